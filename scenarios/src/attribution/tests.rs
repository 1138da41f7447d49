//! Attribution: naming, roll-ups, the exact sum and the diff.

use super::*;

fn groups() -> Vec<SizeGroup> {
    vec![
        SizeGroup {
            id: "runtime".into(),
            label: "runtime + adapter".into(),
            paths: vec![
                "tokio".into(),
                "futures_*".into(),
                "harness_wasm::reference".into(),
            ],
        },
        SizeGroup {
            id: "engine".into(),
            label: "harness engine".into(),
            paths: vec!["harness_wasm".into(), "scenarios".into()],
        },
        SizeGroup {
            id: "glue".into(),
            label: "wasm-bindgen glue".into(),
            paths: vec!["wasm_bindgen".into(), "js_sys".into()],
        },
    ]
}

fn raw(kind: PartKind, name: &str, bytes: u64) -> RawPart {
    RawPart {
        kind,
        name: name.into(),
        offset: 0,
        bytes,
        exported: false,
    }
}

fn module(extra: &[RawPart]) -> Attribution {
    let mut parts = vec![
        raw(PartKind::Structure, "header", 8),
        raw(PartKind::Structure, "code section header", 5),
        raw(
            PartKind::Function,
            "tokio::sync::mpsc::chan::Tx<T>::send",
            400,
        ),
        raw(PartKind::Function, "futures_util::stream::next", 100),
        raw(
            PartKind::Function,
            "harness_wasm::reference::ReferenceAdapter::spawn",
            300,
        ),
        raw(
            PartKind::Function,
            "harness_wasm::engine::Engine::measure",
            700,
        ),
        raw(
            PartKind::Function,
            "<alloc::vec::Vec<T> as core::ops::drop::Drop>::drop",
            50,
        ),
        raw(PartKind::Function, "__wbindgen_malloc", 60),
        raw(PartKind::Data, "data[0]", 1000),
        raw(PartKind::Custom, "producers", 77),
    ];
    parts.extend_from_slice(extra);
    let total = parts.iter().map(|p| p.bytes).sum();
    Attribution::new(
        "m.wasm",
        total,
        total / 2,
        parts,
        (true, "names".into()),
        &groups(),
    )
    .unwrap()
}

#[test]
fn parts_must_add_up_to_the_module() {
    let e = Attribution::new(
        "m.wasm",
        10,
        5,
        vec![raw(PartKind::Structure, "header", 8)],
        (false, String::new()),
        &[],
    )
    .unwrap_err();
    assert_eq!(e, AttributionError::Sum { parts: 8, raw: 10 });
}

#[test]
fn functions_roll_up_by_crate_and_by_the_longest_matching_group_path() {
    let a = module(&[]);
    let group = |name: &str| {
        a.parts
            .iter()
            .find(|p| p.name.starts_with(name))
            .unwrap()
            .group
            .clone()
    };
    assert_eq!(group("harness_wasm::reference"), "runtime");
    assert_eq!(group("harness_wasm::engine"), "engine");
    assert_eq!(group("futures_util"), "runtime");
    assert_eq!(group("<alloc::vec"), OTHER_GROUP);
    assert_eq!(group("__wbindgen_malloc"), "glue");
    assert_eq!(group("data[0]"), DATA_GROUP);
    let share = |list: &[Share], name: &str| list.iter().find(|s| s.name == name).unwrap().bytes;
    assert_eq!(share(&a.crates, "harness_wasm"), 1000);
    assert_eq!(share(&a.crates, "alloc"), 50);
    assert_eq!(share(&a.crates, "wasm_bindgen"), 60);
    assert_eq!(share(&a.groups, "runtime"), 800);
    assert_eq!(share(&a.groups, STRUCTURE_GROUP), 13);
    let sum: u64 = a.groups.iter().map(|g| g.bytes).sum();
    assert_eq!(sum, a.raw_bytes);
    assert_eq!(a.parts[0].name, "data[0]", "largest first");
}

#[test]
fn code_paths_take_the_implementing_type_of_a_trait_impl() {
    assert_eq!(
        code_path("<&mut serde_json::ser::Serializer<W> as serde::ser::Serializer>::f"),
        "serde_json::ser::Serializer"
    );
    assert_eq!(
        code_path("dlmalloc::Dlmalloc::malloc"),
        "dlmalloc::Dlmalloc::malloc"
    );
    assert_eq!(crate_of("memcpy"), SYMBOLS);
    let g = vec![SizeGroup {
        id: "std".into(),
        label: "std".into(),
        paths: vec![SYMBOLS.into(), "core".into()],
    }];
    assert_eq!(group_of("memcpy", &g), "std");
    assert_eq!(group_of("core::fmt::write", &g), "std");
    assert_eq!(
        group_of("corex::f", &g),
        OTHER_GROUP,
        "a crate, not a string prefix"
    );
    assert_eq!(crate_of(&code_path("core::fmt::write")), "core");
    assert_eq!(
        crate_of(&code_path("<f64 as core::fmt::Display>::fmt")),
        "core",
        "a primitive type's impl counts as the trait's crate"
    );
}

#[test]
fn unnamed_modules_have_no_crates_and_functions_fall_in_other_code() {
    let a = Attribution::new(
        "m.wasm",
        20,
        10,
        vec![
            raw(PartKind::Structure, "header", 8),
            raw(PartKind::Function, "func[0]", 12),
        ],
        (false, "no names".into()),
        &groups(),
    )
    .unwrap();
    assert!(a.crates.is_empty());
    assert_eq!(a.parts[0].group, OTHER_GROUP);
}

#[test]
fn a_diff_names_the_planted_function_and_data_as_top_growers() {
    let base = module(&[]);
    let cand = module(&[
        raw(PartKind::Function, "harness_wasm::plant::big", 5000),
        raw(PartKind::Data, "data[1]", 4096),
        raw(
            PartKind::Function,
            "tokio::sync::mpsc::chan::Tx<T>::send",
            10,
        ),
    ]);
    let d = diff(&base, &cand);
    assert!(d.by_name);
    assert_eq!(d.total.delta, 5000 + 4096 + 10);
    assert_eq!(d.new_functions[0].name, "harness_wasm::plant::big");
    assert_eq!(d.new_functions[0].delta, 5000);
    assert_eq!(d.new_count, 1);
    assert_eq!(d.growers[0].name, "tokio::sync::mpsc::chan::Tx<T>::send");
    assert_eq!(d.growers[0].delta, 10, "same-named functions are summed");
    assert_eq!(d.data.delta, 4096);
    assert_eq!(d.crates[0].name, "harness_wasm");
    assert_eq!(d.crates[0].delta, 5000);
    let engine = d.groups.iter().find(|g| g.name == "engine").unwrap();
    assert_eq!(engine.delta, 5000);
    let back = diff(&cand, &base);
    assert_eq!(back.removed_functions[0].name, "harness_wasm::plant::big");
    assert_eq!(back.shrinkers[0].delta, -10);
}

#[test]
fn without_names_on_either_side_a_diff_compares_groups_only() {
    let base = module(&[]);
    let mut cand = module(&[]);
    cand.named = false;
    let d = diff(&base, &cand);
    assert!(!d.by_name);
    assert!(d.growers.is_empty() && d.crates.is_empty());
    let names: Vec<&str> = d.groups.iter().map(|g| g.name.as_str()).collect();
    assert!(
        names.contains(&ALL_CODE) && names.contains(&DATA_GROUP),
        "{names:?}"
    );
    assert!(
        !names.contains(&"runtime"),
        "no group split without names on both sides"
    );
}
