//! The one answer check: a page's raw wire answer parsed (located errors), checked for shape, and checked
//! against what was asked — for an answer just received (`run`) and one read back from a shard (`merge`).

use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};

use scenarios::answer::{check_answer, Asked};
use scenarios::wire::WireResult;

use crate::documents::Document;
use crate::files::parse_json;

/// `text` (kept in `path`, which parse errors name) as a wire result that answers `asked`, or why
/// not, with the fix; callers say which answer it was.
pub fn checked(text: &str, path: &Path, asked: &Asked) -> Result<WireResult> {
    let rebuild = "rebuild the harness, the host pages and the collector from one commit";
    let wire: WireResult = parse_json(text, path, Document::Wire.schema_path())
        .with_context(|| format!("malformed wire result ({rebuild})"))?;
    wire.check()
        .map_err(|e| anyhow!("malformed wire result: {e}; {rebuild}"))?;
    let wrong = check_answer(&wire, asked);
    if !wrong.is_empty() {
        bail!(
            "it does not answer what was asked: {}; {rebuild}",
            wrong.join("; ")
        );
    }
    Ok(wire)
}
