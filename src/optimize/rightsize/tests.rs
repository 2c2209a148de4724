//! Tests of rightsizing on frames and catalogs built in code: hand-worked sizes and prices,
//! every finding, bad input, Kubernetes methods, and the invariants as property tests.

use polars::prelude::*;
use proptest::prelude::*;

use super::select::testing::small_catalog;
use super::*;

/// Five minutes in microseconds.
const STEP: i64 = 300_000_000;

/// A samples frame: `(resource, metric, values)`, one value per 5 minutes from 0.
fn samples(series: &[(&str, &str, Vec<f64>)]) -> DataFrame {
    let (mut ids, mut metrics, mut ts, mut values) = (vec![], vec![], vec![], vec![]);
    for (id, metric, vs) in series {
        for (i, v) in vs.iter().enumerate() {
            ids.push(id.to_string());
            metrics.push(metric.to_string());
            ts.push(i as i64 * STEP);
            values.push(*v);
        }
    }
    let n = ids.len();
    let ts = Series::new("ts".into(), ts)
        .cast(&DataType::Datetime(
            TimeUnit::Microseconds,
            Some(TimeZone::UTC),
        ))
        .unwrap();
    DataFrame::new(
        n,
        vec![
            Column::new("resource_id".into(), ids),
            Column::new("metric".into(), metrics),
            ts.into(),
            Column::new("value".into(), values),
        ],
    )
    .unwrap()
}

/// A resources-frame row: id, vCPU, memory GiB, instance type.
type Row<'a> = (&'a str, Option<f64>, Option<f64>, Option<&'a str>);

fn resources(rows: &[Row<'_>]) -> DataFrame {
    df!(
        "resource_id" => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        "vcpu" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        "memory_gib" => rows.iter().map(|r| r.2).collect::<Vec<_>>(),
        "instance_type" => rows.iter().map(|r| r.3).collect::<Vec<_>>(),
    )
    .unwrap()
}

/// `days` of 5-minute samples at `value`.
fn flat(days: f64, value: f64) -> Vec<f64> {
    vec![value; (days * 288.0) as usize]
}

fn run(samples: &DataFrame, res: &DataFrame, params: RightsizeParams) -> Rightsizing {
    let catalog = small_catalog();
    rightsize(
        &RightsizeInput::new(samples)
            .resources(res)
            .catalog(&catalog),
        &params,
    )
    .unwrap()
}

#[test]
fn over_provisioned_vm_moves_to_the_cheapest_fitting_instance() {
    // m5.2xlarge (8 vCPU, 32 GiB, $0.384/h) at 10 % CPU and 20 % memory:
    // CPU 0.8 cores x 1.2 = 0.96 vCPU; memory 6.4 GiB x 1.2 = 7.68 GiB.
    // Fitting, cheapest first: m5.large (2, 8, $0.096), r5.large (2, 16, $0.126),
    // c5.xlarge (4, 8, $0.17). m6g is arm64 and t3 burstable: excluded by default.
    let s = samples(&[
        ("vm", "cpu_utilization", flat(3.0, 10.0)),
        ("vm", "memory_utilization", flat(3.0, 20.0)),
    ]);
    let r = resources(&[("vm", Some(8.0), Some(32.0), Some("m5.2xlarge"))]);
    let result = run(&s, &r, RightsizeParams::default());
    let rec = result.get("vm").unwrap();
    assert_eq!(rec.finding, Some(Finding::OverProvisioned));
    assert_eq!(rec.recommended_instance_type.as_deref(), Some("m5.large"));
    assert_eq!(rec.alternatives, ["r5.large", "c5.xlarge"]);
    assert!((rec.required_vcpu.unwrap() - 0.96).abs() < 1e-12);
    assert!((rec.required_memory_gib.unwrap() - 7.68).abs() < 1e-9);
    assert_eq!(rec.recommended_vcpu, Some(2.0));
    assert_eq!(rec.recommended_memory_gib, Some(8.0));
    // (0.384 - 0.096) x 730 = 210.24
    assert!((rec.monthly_savings_list.unwrap() - 210.24).abs() < 1e-9);
    assert!((rec.projected_cpu_utilization.unwrap() - 40.0).abs() < 1e-9);
    assert!((rec.projected_memory_utilization.unwrap() - 80.0).abs() < 1e-9);
    assert_eq!(rec.risk, Some(0.0));
    assert_eq!(rec.hours_of_data, 72.0);
    assert_eq!(rec.cpu_p95_percent, Some(10.0));
}

#[test]
fn under_provisioned_idle_and_optimized() {
    let s = samples(&[
        // 95 % of 2 vCPU = 1.9 cores x 1.2 = 2.28 > 2: under; memory 4 GiB x 1.2 = 4.8.
        ("hot", "cpu_utilization", flat(2.0, 95.0)),
        ("hot", "memory_utilization", flat(2.0, 50.0)),
        // 1 % CPU: P95 < 3 % and mean <= 2 %: idle.
        ("idle", "cpu_utilization", flat(2.0, 1.0)),
        // 60 % of 2 vCPU = 1.2 x 1.2 = 1.44; 80 % of 4 GiB x 1.2 = 3.84: c5.large is right.
        ("ok", "cpu_utilization", flat(2.0, 60.0)),
        ("ok", "memory_utilization", flat(2.0, 80.0)),
    ]);
    let r = resources(&[
        ("hot", Some(2.0), Some(8.0), Some("m5.large")),
        ("idle", Some(2.0), Some(8.0), Some("m5.large")),
        ("ok", Some(2.0), Some(4.0), Some("c5.large")),
    ]);
    let result = run(&s, &r, RightsizeParams::default());
    let hot = result.get("hot").unwrap();
    assert_eq!(hot.finding, Some(Finding::UnderProvisioned));
    assert_eq!(hot.recommended_instance_type.as_deref(), Some("c5.xlarge"));
    assert!(hot.monthly_savings_list.unwrap() < 0.0);
    let idle = result.get("idle").unwrap();
    assert_eq!(idle.finding, Some(Finding::Idle));
    assert_eq!(idle.monthly_cost_recommended, Some(0.0));
    assert!((idle.monthly_savings_list.unwrap() - 0.096 * 730.0).abs() < 1e-9);
    assert!(idle.reason.as_deref().unwrap().contains("terminate"));
    let ok = result.get("ok").unwrap();
    assert_eq!(ok.finding, Some(Finding::Optimized));
    assert_eq!(ok.recommended_instance_type.as_deref(), Some("c5.large"));
    // Ranked by savings: idle first, the under-provisioned one last.
    let ids: Vec<&str> = result
        .recommendations()
        .iter()
        .map(|r| r.resource_id.as_str())
        .collect();
    assert_eq!(ids, ["idle", "ok", "hot"]);
}

#[test]
fn too_little_or_no_data_gives_no_size_and_says_why() {
    let s = samples(&[("short", "cpu_utilization", flat(20.0 / 24.0, 50.0))]);
    let r = resources(&[
        ("short", Some(2.0), Some(8.0), None),
        ("silent", Some(2.0), Some(8.0), None),
    ]);
    let result = run(&s, &r, RightsizeParams::default());
    let short = result.get("short").unwrap();
    assert_eq!(short.finding, Some(Finding::InsufficientData));
    assert_eq!(short.recommended_vcpu, None);
    assert!(
        short
            .reason
            .as_deref()
            .unwrap()
            .contains("20 hours of cpu data"),
        "{:?}",
        short.reason
    );
    let silent = result.get("silent").unwrap();
    assert_eq!(silent.finding, Some(Finding::InsufficientData));
    assert_eq!(silent.reason.as_deref(), Some("no samples"));
    assert_eq!(silent.recommended_vcpu, None);
}

#[test]
fn bad_input_is_reported_per_resource() {
    let mut negative = flat(2.0, 1e9);
    negative[5] = -3.0;
    let s = samples(&[
        ("over100", "cpu_utilization", flat(2.0, 150.0)),
        ("negative", "cpu_cores", flat(2.0, 1.0)),
        ("negative", "memory_used_bytes", negative),
        ("mixed", "cpu_cores", flat(2.0, 2000.0)),
        ("mixed", "cpu_utilization", flat(2.0, 50.0)),
        ("unknown", "cpu_utilization", flat(2.0, 50.0)),
        ("nosize", "cpu_utilization", flat(2.0, 50.0)),
        ("nocpu", "disk_read_bytes_per_second", flat(2.0, 5.0)),
        ("good", "cpu_utilization", flat(2.0, 50.0)),
    ]);
    let r = resources(&[
        ("over100", Some(2.0), Some(8.0), Some("m5.large")),
        ("negative", Some(2.0), Some(8.0), None),
        ("mixed", Some(4.0), Some(16.0), None),
        ("unknown", Some(2.0), Some(8.0), Some("x9.huge")),
        ("good", Some(2.0), Some(8.0), Some("m5.large")),
    ]);
    let result = run(&s, &r, RightsizeParams::default());
    let reason = |id: &str| result.get(id).unwrap().reason.clone().unwrap_or_default();
    let finding = |id: &str| result.get(id).unwrap().finding.unwrap();
    assert_eq!(finding("over100"), Finding::InvalidData);
    assert!(reason("over100").contains("outside 0-100 %") && reason("over100").contains("150"));
    assert_eq!(finding("negative"), Finding::InvalidData);
    assert!(
        reason("negative").contains("'memory_used_bytes'") && reason("negative").contains("-3")
    );
    assert_eq!(finding("mixed"), Finding::InvalidData);
    assert!(reason("mixed").contains("mixed units for cpu"));
    // Not in the catalog: still sized in vCPU and GiB, with a note.
    let unknown = result.get("unknown").unwrap();
    assert!(reason("unknown").contains("'x9.huge' is not in the catalog"));
    assert_eq!(unknown.recommended_vcpu, Some(2.0));
    assert_eq!(unknown.recommended_instance_type, None);
    assert_eq!(finding("nosize"), Finding::InsufficientData);
    assert!(reason("nosize").contains("current vCPU is unknown"));
    assert_eq!(finding("nocpu"), Finding::InsufficientData);
    assert!(reason("nocpu").contains("no cpu metric"));
    assert_eq!(finding("good"), Finding::Optimized);
}

#[test]
fn effective_prices_and_groupings() {
    let s = samples(&[
        ("a", "cpu_utilization", flat(2.0, 10.0)),
        ("a", "memory_utilization", flat(2.0, 20.0)),
        ("b", "cpu_utilization", flat(2.0, 10.0)),
        ("b", "memory_utilization", flat(2.0, 20.0)),
    ]);
    let r = resources(&[
        ("a", Some(8.0), Some(32.0), Some("m5.2xlarge")),
        ("b", Some(8.0), Some(32.0), Some("m5.2xlarge")),
    ]);
    let mut prices = ResourcePrices::new();
    prices.insert(
        "a",
        ResourcePrice {
            effective_hourly: Some(0.24),
            provider: Some(crate::optimize::catalog::Provider::Aws),
            region: Some("us-east-1".into()),
            account: Some("prod".into()),
            service: Some("EC2".into()),
            tags: Some(r#"{"team":"payments"}"#.into()),
        },
    );
    let catalog = small_catalog();
    let result = rightsize(
        &RightsizeInput::new(&s)
            .resources(&r)
            .catalog(&catalog)
            .prices(&prices),
        &RightsizeParams::default(),
    )
    .unwrap();
    let a = result.get("a").unwrap();
    // 0.24 x 730 x (1 - 0.096 / 0.384) = 131.4
    assert!((a.monthly_savings_effective.unwrap() - 131.4).abs() < 1e-9);
    assert_eq!(result.get("b").unwrap().monthly_savings_effective, None);
    let by_team = result.savings_by("tag:team").unwrap();
    assert_eq!(by_team[0].0, "(none)");
    assert!((by_team[0].1 - 210.24).abs() < 1e-9);
    assert_eq!(by_team[1].0, "payments");
    assert!((result.total_savings().0 - 2.0 * 210.24).abs() < 1e-9);
    assert!(result.savings_by("colour").is_err());
    let frame = result.frame().unwrap();
    let names: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(
        &names[..4],
        [
            "resource_id",
            "finding",
            "recommended_vcpu",
            "recommended_memory_gib"
        ]
    );
    assert!(names.contains(&"monthly_savings_effective".to_string()));
    assert_eq!(frame.height(), 2);
}

#[test]
fn without_catalog_sizes_are_whole_vcpu_and_half_gib() {
    // A Bitbrains-like VM: 4 cores used 0.5 at most, 3 GiB of memory used.
    let s = samples(&[
        ("1", "cpu_cores_used", flat(2.0, 0.5)),
        ("1", "memory_used_bytes", flat(2.0, 3.0 * 1024f64.powi(3))),
    ]);
    let r = resources(&[("1", Some(4.0), Some(8.0), None)]);
    let result = rightsize(
        &RightsizeInput::new(&s).resources(&r),
        &RightsizeParams::default(),
    )
    .unwrap();
    let rec = result.get("1").unwrap();
    // 0.5 x 1.2 = 0.6 -> 1 vCPU; 3 x 1.2 = 3.6 -> 4 GiB.
    assert_eq!(rec.recommended_vcpu, Some(1.0));
    assert_eq!(rec.recommended_memory_gib, Some(4.0));
    assert_eq!(rec.finding, Some(Finding::OverProvisioned));
    assert_eq!(rec.monthly_savings_list, None);
}

#[test]
fn kubernetes_vpa_and_krr() {
    const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
    let mut cpu = flat(3.0, 0.2);
    for (i, v) in cpu.iter_mut().enumerate() {
        if i % 50 == 0 {
            *v = 1.0;
        }
    }
    let s = samples(&[
        ("ns/pod/app", "cpu_cores", cpu),
        ("ns/pod/app", "memory_working_set_bytes", flat(3.0, GIB)),
        ("ns/pod/app", "cpu_request_cores", flat(3.0, 2.0)),
        ("ns/pod/app", "memory_request_bytes", flat(3.0, 4.0 * GIB)),
        ("ns/pod/tiny", "cpu_cores", flat(3.0, 0.001)),
        ("ns/pod/tiny", "memory_working_set_bytes", flat(3.0, 1e6)),
    ]);
    let params = RightsizeParams::default().mode(Mode::Kubernetes);
    let vpa = rightsize(&RightsizeInput::new(&s), &params).unwrap();
    let app = vpa.get("ns/pod/app").unwrap();
    let k = app.container.as_ref().unwrap();
    // 98 % of samples are 0.2 cores: P90 is the end of 0.2's bucket, which is at most
    // 0.2 x 1.05 + 0.01 wide-bucket slack (width = first + 5 % of its start); x 1.15.
    assert!(
        k.cpu_request >= 0.2 * 1.15 && k.cpu_request <= (0.2 * 1.05 + 0.01) * 1.15,
        "{}",
        k.cpu_request
    );
    assert!(k.cpu_upper >= k.cpu_request && k.cpu_request >= k.cpu_lower);
    assert!(k.memory_request >= GIB * 1.15 && k.memory_request < GIB * 1.15 * 1.06);
    assert_eq!(k.cpu_limit, None);
    assert_eq!(app.finding, Some(Finding::OverProvisioned));
    let tiny = vpa.get("ns/pod/tiny").unwrap().container.clone().unwrap();
    assert_eq!(tiny.cpu_request, 0.025);
    assert_eq!(tiny.memory_request, 250.0 * 1024.0 * 1024.0);
    assert_eq!(
        vpa.get("ns/pod/tiny").unwrap().finding,
        Some(Finding::UnknownCurrentSize)
    );

    let krr = rightsize(
        &RightsizeInput::new(&s),
        &params.clone().kubernetes_method(KubernetesMethod::Krr),
    )
    .unwrap();
    let k = krr.get("ns/pod/app").unwrap().container.clone().unwrap();
    assert!(
        (k.cpu_request - 0.2).abs() < 1e-12,
        "P95 is a 0.2-core sample: {}",
        k.cpu_request
    );
    assert!((k.memory_request - GIB * 1.15).abs() < 1.0);
    assert_eq!(k.memory_limit, Some(k.memory_request));
    let frame = krr.frame().unwrap();
    assert!(frame.column("memory_limit_bytes").is_ok());
}

#[test]
fn oom_kills_raise_memory() {
    const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
    let mut oom = flat(3.0, 0.0);
    oom[400] = 1.0;
    let s = samples(&[
        ("c", "cpu_cores", flat(3.0, 0.5)),
        ("c", "memory_working_set_bytes", flat(3.0, GIB)),
        ("c", "oom_kills", oom),
    ]);
    let params = RightsizeParams::default().mode(Mode::Kubernetes);
    for method in [KubernetesMethod::Vpa, KubernetesMethod::Krr] {
        let r = rightsize(
            &RightsizeInput::new(&s),
            &params.clone().kubernetes_method(method),
        )
        .unwrap();
        let k = r.get("c").unwrap().container.clone().unwrap();
        assert_eq!(k.oom_events, 1);
        // The bump: max(1 GiB + 100 MiB, 1.2 GiB) = 1.2 GiB, then the margin or buffer.
        assert!(
            k.memory_upper >= 1.2 * GIB * 1.15,
            "{method:?}: {}",
            k.memory_upper
        );
    }
}

/// Builds the frame for one resource from CPU percentages and memory percentages.
fn one_vm(cpu: &[f64], memory: &[f64]) -> (DataFrame, DataFrame) {
    let s = samples(&[
        ("vm", "cpu_utilization", cpu.to_vec()),
        ("vm", "memory_utilization", memory.to_vec()),
    ]);
    let r = resources(&[("vm", Some(8.0), Some(32.0), Some("m5.2xlarge"))]);
    (s, r)
}

fn reference_percentile(values: &[f64], p: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let h = (v.len() - 1) as f64 * p / 100.0;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (h - lo as f64)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The recommendation always covers the chosen CPU percentile (a full sort, numpy's
    /// linear method) plus headroom, and the memory maximum plus headroom.
    #[test]
    fn covers_percentile_plus_headroom(
        cpu in proptest::collection::vec(0.0f64..100.0, 400..700),
        mem in 0.0f64..100.0,
        p in 50.0f64..100.0,
        headroom in 0.0f64..100.0,
        with_catalog in any::<bool>(),
    ) {
        let (s, r) = one_vm(&cpu, &vec![mem; cpu.len()]);
        let params = RightsizeParams::default().cpu_percentile(p).cpu_headroom(headroom).min_data_hours(1.0);
        let catalog = small_catalog();
        let input = RightsizeInput::new(&s).resources(&r);
        let input = if with_catalog { input.catalog(&catalog) } else { input };
        let result = rightsize(&input, &params).unwrap();
        let rec = result.get("vm").unwrap();
        let need = reference_percentile(&cpu, p) * 8.0 / 100.0 * (1.0 + headroom / 100.0);
        prop_assert!((rec.required_vcpu.unwrap() - need).abs() <= 1e-9 * need.max(1.0));
        prop_assert!(rec.recommended_vcpu.unwrap() + 1e-9 >= need);
        let mem_need = mem * 32.0 / 100.0 * 1.2;
        prop_assert!(rec.recommended_memory_gib.unwrap() + 1e-9 >= mem_need);
    }

    /// More headroom never picks a smaller or cheaper instance.
    #[test]
    fn more_headroom_never_picks_smaller(
        cpu in proptest::collection::vec(0.0f64..100.0, 400..500),
        mem in 0.0f64..60.0,
        h1 in 0.0f64..150.0,
        extra in 0.0f64..150.0,
    ) {
        let (s, r) = one_vm(&cpu, &vec![mem; cpu.len()]);
        let catalog = small_catalog();
        let input = RightsizeInput::new(&s).resources(&r).catalog(&catalog);
        let base = RightsizeParams::default().min_data_hours(1.0);
        let a = rightsize(&input, &base.clone().cpu_headroom(h1).memory_headroom(h1)).unwrap();
        let b = rightsize(&input, &base.cpu_headroom(h1 + extra).memory_headroom(h1 + extra)).unwrap();
        let (a, b) = (a.get("vm").unwrap(), b.get("vm").unwrap());
        prop_assert!(b.recommended_vcpu.unwrap() + 1e-9 >= a.required_vcpu.unwrap());
        match (a.monthly_cost_recommended, b.monthly_cost_recommended) {
            (Some(ca), Some(cb)) if a.finding != Some(Finding::Idle) => prop_assert!(cb + 1e-9 >= ca),
            _ => {}
        }
        if a.recommended_instance_type.is_some() && b.recommended_instance_type.is_some() {
            let size = |x: &Recommendation| (x.recommended_vcpu.unwrap(), x.recommended_memory_gib.unwrap());
            let (sa, sb) = (size(a), size(b));
            prop_assert!(sb.0 >= sa.0 || sb.1 >= sa.1, "{sa:?} -> {sb:?}");
        }
    }

    /// Too little data never gives a size, and says why.
    #[test]
    fn too_little_data_never_recommends(n in 0usize..(29 * 12), min_hours in 30.0f64..100.0) {
        let cpu = vec![50.0; n.max(1)];
        let (s, r) = one_vm(&cpu, &cpu);
        let result = rightsize(
            &RightsizeInput::new(&s).resources(&r),
            &RightsizeParams::default().min_data_hours(min_hours),
        ).unwrap();
        let rec = result.get("vm").unwrap();
        prop_assert_eq!(rec.finding, Some(Finding::InsufficientData));
        prop_assert_eq!(rec.recommended_vcpu, None);
        prop_assert!(rec.reason.as_deref().unwrap_or("").contains("hours of cpu data"));
    }
}
