//! The page core's copies of the contract's vocabularies (`www/sdk/src/ids.js`, the unions of
//! `www/sdk/src/wire.ts`) are the Rust ones (`scenarios::ids`), in the same order: they cannot drift.

use std::path::Path;

use scenarios::{Environment, Framework, Probe, Profile, Workload};

fn www(file: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../www/sdk/src")
        .join(file);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The single-quoted strings of the first statement after `start` (up to its `;`).
fn quoted_after(text: &str, start: &str) -> Vec<String> {
    let at = text
        .find(start)
        .unwrap_or_else(|| panic!("`{start}` is not in the file"));
    let body = &text[at + start.len()..];
    let body = &body[..body.find(';').expect("the statement ends with `;`")];
    body.split('\'')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

fn names<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> Vec<String> {
    all.iter().map(|v| as_str(*v).to_owned()).collect()
}

#[test]
fn the_page_lists_are_the_contract_vocabularies() {
    let ids = www("ids.js");
    assert_eq!(
        quoted_after(&ids, "export const PROFILES ="),
        names(Profile::ALL, Profile::as_str)
    );
    assert_eq!(
        quoted_after(&ids, "export const FRAMEWORKS ="),
        names(Framework::ALL, Framework::as_str)
    );
}

#[test]
fn the_page_types_are_the_contract_vocabularies() {
    let wire = www("wire.ts");
    for (ty, want) in [
        (
            "export type Profile =",
            names(Profile::ALL, Profile::as_str),
        ),
        (
            "export type Framework =",
            names(Framework::ALL, Framework::as_str),
        ),
        (
            "export type Workload =",
            names(Workload::ALL, Workload::as_str),
        ),
        ("export type Probe =", names(Probe::ALL, Probe::as_str)),
        (
            "export type Environment =",
            names(Environment::BROWSERS, Environment::as_str),
        ),
    ] {
        assert_eq!(quoted_after(&wire, ty), want, "www/sdk/src/wire.ts: {ty}");
    }
}

#[test]
fn a_drifted_list_is_seen() {
    let drifted = "export const PROFILES = ['core-min', 'core-trace'];";
    assert_ne!(
        quoted_after(drifted, "export const PROFILES ="),
        names(Profile::ALL, Profile::as_str)
    );
}
