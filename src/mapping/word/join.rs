//! Joining what the parts gave: a unit whose statements follow in the next
//! table is one unit, and labelled values outside units and grids go to the
//! record they belong to.

use super::doc_loc;
use super::draft::{Draft, DraftKind, Segment, UNTITLED, shorten};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::import::word::Document;
use crate::text::fold;

/// Joins what the sheets gave: a unit whose statements follow in the next
/// table is one unit, and labelled values outside units and grids go to the
/// record they belong to (header fields above a document's first record and
/// signatures below its last to every grid, values between two records to
/// the next one).
pub(super) fn join_segments(
    file: &str,
    document: &Document,
    segments: &mut [Segment],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Draft> {
    let mut out = gather(document, segments);
    let records: Vec<usize> = (0..out.len())
        .filter(|&i| out[i].kind != DraftKind::Fields)
        .collect();
    let grids: Vec<usize> = records
        .iter()
        .copied()
        .filter(|&i| out[i].kind == DraftKind::Grid)
        .collect();
    // First each set of values goes to its nearest record (the next one; the
    // last one for values after every record); then values above the first
    // record or below the last fill what the other grids still lack.
    let mut broadcast: Vec<usize> = Vec::new();
    let fields: Vec<usize> = (0..out.len())
        .filter(|&i| out[i].kind == DraftKind::Fields)
        .collect();
    for p in fields {
        let next = records.iter().copied().find(|&i| i > p);
        let Some(target) = next.or_else(|| records.last().copied()) else {
            diags.push(labels_without_record(file, document, &out[p]));
            continue;
        };
        donate(file, document, segments, &mut out, p, target, true, diags);
        if records.first().is_some_and(|&first| p < first) || next.is_none() {
            broadcast.push(p);
        }
    }
    for p in broadcast {
        for &g in &grids {
            donate(file, document, segments, &mut out, p, g, false, diags);
        }
    }
    out.retain(|d| d.kind != DraftKind::Fields);
    out
}

/// Every part's drafts in document order: a draft that describes no unit is
/// loose values, and a unit without title or code in the part after a unit
/// without statements is that unit's continuation, joined to it.
fn gather(document: &Document, segments: &mut [Segment]) -> Vec<Draft> {
    let mut out: Vec<Draft> = Vec::new();
    for s in segments.iter_mut() {
        for mut d in std::mem::take(&mut s.drafts) {
            if d.kind == DraftKind::Unit {
                d.kind = if d.is_unit() || d.has_outcomes() {
                    DraftKind::Unit
                } else {
                    DraftKind::Fields
                };
            }
            if d.kind == DraftKind::Unit
                && !d.names_unit()
                && let Some(prev) = out.iter_mut().rev().find(|p| p.kind != DraftKind::Fields)
                && prev.kind == DraftKind::Unit
                && !prev.has_outcomes()
                && prev.sheet != d.sheet
            {
                s.report.attached_to.push(document.parts[prev.sheet].name());
                if let Some(i) = s.report.units.iter().position(|t| *t == UNTITLED) {
                    s.report.units.remove(i);
                }
                prev.values.append(&mut d.values);
                prev.unmapped.append(&mut d.unmapped);
                continue;
            }
            out.push(d);
        }
    }
    out
}

/// Labelled values in a document without a unit or grid to give them to.
fn labels_without_record(file: &str, document: &Document, f: &Draft) -> Diagnostic {
    let labels: Vec<String> = f
        .values
        .iter()
        .map(|v| {
            format!(
                "{}: {}",
                v.label,
                shorten(v.text.lines().next().unwrap_or(""), 40)
            )
        })
        .collect();
    Diagnostic::warning(
        Code::LabelsNotAttached,
        Location::sheet(file, &document.parts[f.sheet].name()),
        format!(
            "labelled values with no unit description or assessment grid to belong to: {}",
            labels.join("; ")
        ),
    )
    .with_hint("a unit needs Knowledge / Skills / Competence statements, a grid rating columns (1 2 3) with criteria; see `europass inspect`")
}

/// Gives the labelled values of `out[from]` to the record `out[to]`: the
/// fields it lacks; a different value it already has is reported when
/// `report` (the nearest record), and left alone otherwise.
#[allow(clippy::too_many_arguments)]
pub(super) fn donate(
    file: &str,
    document: &Document,
    segments: &mut [Segment],
    out: &mut [Draft],
    from: usize,
    to: usize,
    report: bool,
    diags: &mut Vec<Diagnostic>,
) {
    let f = out[from].clone();
    let mut gave = false;
    for v in &f.values {
        let existing = out[to]
            .values
            .iter()
            .find(|x| x.field == v.field && x.language == v.language)
            .cloned();
        match existing {
            None => {
                out[to].values.push(v.clone());
                gave = true;
            }
            Some(x) if fold(&x.text) == fold(&v.text) || !report => {}
            Some(x) => {
                let other = document.parts[x.sheet].name();
                diags.push(
                    Diagnostic::warning(
                        Code::ConflictingValues,
                        doc_loc(file, &document.parts[v.sheet], v.at),
                        format!(
                            "\"{}\" is \"{}\" here but \"{}\" in {other}; the value in {other} is kept",
                            v.label,
                            shorten(&v.text, 60),
                            shorten(&x.text, 60),
                        ),
                    )
                    .with_hint("make the two agree"),
                );
            }
        }
    }
    if report {
        out[to].unmapped.extend(f.unmapped.iter().cloned());
    }
    if gave || report {
        let name = document.parts[out[to].sheet].name();
        let attached = &mut segments[f.sheet].report.attached_to;
        if !attached.contains(&name) {
            attached.push(name);
        }
    }
}
