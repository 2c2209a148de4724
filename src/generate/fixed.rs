//! Fixed-point decimals with ten places, the generator's representation of money and
//! quantities.
//!
//! Commitment accounting must balance exactly (the effective cost of a commitment's usage rows
//! sums to what was paid for it), so amounts are integers of 1e-10 and sums are integer sums.
//! The text written to CSV is the exact decimal, and [`Fixed::to_f64`] is the nearest `f64` to
//! that decimal, so a file read back gives the same numbers as the frame.

use std::fmt;

/// Units per whole: ten decimal places.
pub(crate) const SCALE: i64 = 10_000_000_000;

/// A decimal number with ten places, stored as an integer count of 1e-10.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Fixed(pub i64);

impl Fixed {
    /// Zero.
    pub const ZERO: Fixed = Fixed(0);
    /// One.
    pub const ONE: Fixed = Fixed(SCALE);

    /// `x` rounded to ten places.
    pub fn from_f64(x: f64) -> Fixed {
        Fixed((x * SCALE as f64).round() as i64)
    }

    /// `x` rounded to `places` decimal places (at most ten).
    pub fn rounded(x: f64, places: u32) -> Fixed {
        let places = places.min(10);
        let step = 10_i64.pow(10 - places);
        let units = (x * 10f64.powi(places as i32)).round() as i64;
        Fixed(units * step)
    }

    /// A whole number.
    pub fn whole(n: i64) -> Fixed {
        Fixed(n * SCALE)
    }

    /// The nearest `f64` to this decimal.
    pub fn to_f64(self) -> f64 {
        self.0 as f64 / SCALE as f64
    }

    /// `self * quantity`, rounded to ten places (unit price times quantity).
    pub fn times(self, quantity: Fixed) -> Fixed {
        let product = self.0 as i128 * quantity.0 as i128;
        let half = SCALE as i128 / 2;
        let rounded = if product >= 0 {
            (product + half) / SCALE as i128
        } else {
            (product - half) / SCALE as i128
        };
        Fixed(rounded as i64)
    }

    /// `self * n` for a whole `n`.
    pub fn scale(self, n: i64) -> Fixed {
        Fixed(self.0 * n)
    }

    /// `self + other`.
    pub fn add(self, other: Fixed) -> Fixed {
        Fixed(self.0 + other.0)
    }

    /// `self - other`.
    pub fn sub(self, other: Fixed) -> Fixed {
        Fixed(self.0 - other.0)
    }

    /// Appends the decimal text (no exponent, no trailing zeros) to `out`.
    pub fn write_to(self, out: &mut String) {
        use std::fmt::Write;
        let negative = self.0 < 0;
        let magnitude = self.0.unsigned_abs();
        let whole = magnitude / SCALE as u64;
        let fraction = magnitude % SCALE as u64;
        if negative {
            out.push('-');
        }
        let _ = write!(out, "{whole}");
        if fraction != 0 {
            let digits = format!("{fraction:010}");
            out.push('.');
            out.push_str(digits.trim_end_matches('0'));
        }
    }
}

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::new();
        self.write_to(&mut text);
        f.write_str(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_exact_decimal_without_trailing_zeros() {
        assert_eq!(Fixed::from_f64(0.12).to_string(), "0.12");
        assert_eq!(Fixed::whole(4204).to_string(), "4204");
        assert_eq!(Fixed(1).to_string(), "0.0000000001");
        assert_eq!(Fixed(-15_000_000_000).to_string(), "-1.5");
        assert_eq!(Fixed::ZERO.to_string(), "0");
    }

    #[test]
    fn text_and_float_agree() {
        for units in [1_i64, 123_456_789, 9_876_543_210_123, 4_204_800_000_000_000] {
            let fixed = Fixed(units);
            let parsed: f64 = fixed.to_string().parse().unwrap();
            assert_eq!(parsed, fixed.to_f64(), "{units}");
        }
    }

    #[test]
    fn rounds_products_and_places() {
        let price = Fixed::from_f64(0.192);
        assert_eq!(price.times(Fixed::from_f64(0.5)), Fixed::from_f64(0.096));
        assert_eq!(Fixed::rounded(1.23456789, 3), Fixed::from_f64(1.235));
        assert_eq!(
            Fixed::from_f64(0.0000166667).times(Fixed::whole(150_000)),
            Fixed::from_f64(2.500005)
        );
    }
}
