//! A small sparse linear-program builder over Clarabel, the interior-point solver.
//!
//! The portfolio model adds variables (non-negative unless declared free) and `<=` rows; [`Lp::solve`]
//! hands them to Clarabel as `A x + s = b, s >= 0` and returns the optimal `x`. Clarabel stops
//! at a relative duality gap of 1e-8 (its default): the objective is optimal to that tolerance
//! and the status says so; anything else (infeasible, numerical trouble) is an error.

use clarabel::algebra::CscMatrix;
use clarabel::solver::{
    DefaultSettingsBuilder, DefaultSolver, IPSolver, NonnegativeConeT, SolverStatus,
};

use crate::error::{Error, Result};

/// A linear program `min c'x  s.t.  A x <= b,  x >= 0` (except free variables).
#[derive(Debug, Default)]
pub(crate) struct Lp {
    cost: Vec<f64>,
    free: Vec<bool>,
    /// Triplets `(row, column, value)` of `A`.
    entries: Vec<(usize, usize, f64)>,
    rhs: Vec<f64>,
}

/// What the solver returned.
#[derive(Debug)]
pub(crate) struct LpSolution {
    /// The optimal point.
    pub x: Vec<f64>,
    /// The optimal objective `c'x`.
    pub objective: f64,
    /// Interior-point iterations.
    #[allow(dead_code)]
    pub iterations: u32,
}

impl Lp {
    /// Adds a variable with objective coefficient `cost`; `free` variables may be negative.
    pub fn var(&mut self, cost: f64, free: bool) -> usize {
        self.cost.push(cost);
        self.free.push(free);
        self.cost.len() - 1
    }

    /// Adds the row `sum(value * x[column]) <= rhs`.
    pub fn le(&mut self, terms: impl IntoIterator<Item = (usize, f64)>, rhs: f64) {
        let row = self.rhs.len();
        self.entries.extend(
            terms
                .into_iter()
                .filter(|(_, value)| *value != 0.0)
                .map(|(column, value)| (row, column, value)),
        );
        self.rhs.push(rhs);
    }

    /// Number of variables.
    pub fn vars(&self) -> usize {
        self.cost.len()
    }

    /// Solves the program.
    ///
    /// # Errors
    /// [`Error::Parameter`] (named `constraints`) when the program is infeasible, for
    /// instance a minimum coverage that the upfront budget cannot buy; a solver failure
    /// otherwise.
    pub fn solve(self) -> Result<LpSolution> {
        let n = self.cost.len();
        let mut entries = self.entries;
        let mut rhs = self.rhs;
        // x >= 0 as rows -x <= 0.
        for (column, free) in self.free.iter().enumerate() {
            if !free {
                entries.push((rhs.len(), column, -1.0));
                rhs.push(0.0);
            }
        }
        let m = rhs.len();
        entries.sort_unstable_by_key(|&(row, column, _)| (column, row));
        let mut colptr = vec![0usize; n + 1];
        for &(_, column, _) in &entries {
            colptr[column + 1] += 1;
        }
        for column in 0..n {
            colptr[column + 1] += colptr[column];
        }
        let rowval: Vec<usize> = entries.iter().map(|e| e.0).collect();
        let nzval: Vec<f64> = entries.iter().map(|e| e.2).collect();
        let a = CscMatrix::new(m, n, colptr, rowval, nzval);
        let p = CscMatrix::<f64>::zeros((n, n));
        let settings = DefaultSettingsBuilder::default()
            .verbose(false)
            .max_iter(400)
            .build()
            .map_err(|e| Error::parameter("solver", e.to_string()))?;
        let cones = [NonnegativeConeT(m)];
        // The dimensions agree by construction (clarabel 0.10 asserts them).
        let mut solver = DefaultSolver::new(&p, &self.cost, &a, &rhs, &cones, settings);
        solver.solve();
        let solution = &solver.solution;
        match solution.status {
            SolverStatus::Solved | SolverStatus::AlmostSolved => Ok(LpSolution {
                x: solution.x.clone(),
                objective: solution.obj_val,
                iterations: solution.iterations,
            }),
            SolverStatus::PrimalInfeasible | SolverStatus::AlmostPrimalInfeasible => {
                Err(Error::parameter(
                    "constraints",
                    "no portfolio meets them all (a minimum coverage the upfront budget or the \
                     maximum coverage cannot allow?)",
                ))
            }
            status => Err(Error::parameter(
                "solver",
                format!("the linear program did not solve: {status:?}"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_two_variable_program() {
        // min -x - y  s.t. x + 2y <= 4, 3x + y <= 6 -> x = 1.6, y = 1.2, objective -2.8.
        let mut lp = Lp::default();
        let x = lp.var(-1.0, false);
        let y = lp.var(-1.0, false);
        lp.le([(x, 1.0), (y, 2.0)], 4.0);
        lp.le([(x, 3.0), (y, 1.0)], 6.0);
        let solution = lp.solve().unwrap();
        assert!((solution.x[0] - 1.6).abs() < 1e-6);
        assert!((solution.x[1] - 1.2).abs() < 1e-6);
        assert!((solution.objective + 2.8).abs() < 1e-6);
    }

    #[test]
    fn infeasible_is_a_parameter_error() {
        let mut lp = Lp::default();
        let x = lp.var(1.0, false);
        lp.le([(x, 1.0)], -1.0);
        assert!(matches!(lp.solve(), Err(Error::Parameter { .. })));
    }
}
