//! Router and OpenAPI document agree: every route of `ROUTES` has a
//! handler and appears in `api/openapi.yaml`, and every operation of the
//! document is a route.

use super::*;

/// (method, path) of every operation in the OpenAPI document: `paths:`
/// entries are two-space-indented keys, operations four-space ones.
fn documented() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut in_paths = false;
    let mut path = String::new();
    for line in OPENAPI.lines() {
        if !line.starts_with(' ') && !line.trim().is_empty() {
            in_paths = line.trim_end() == "paths:";
            continue;
        }
        if !in_paths {
            continue;
        }
        if let Some(p) = line.strip_prefix("  /") {
            path = format!("/{}", p.trim_end().trim_end_matches(':'));
        } else if let Some(m) = line.strip_prefix("    ")
            && !m.starts_with(' ')
        {
            let m = m.trim_end().trim_end_matches(':');
            if ["get", "put", "post", "delete", "patch"].contains(&m) {
                out.push((m.to_ascii_uppercase(), path.clone()));
            }
        }
    }
    out
}

#[test]
fn every_route_has_a_handler() {
    for (m, p) in ROUTES {
        assert!(handler(m, p).is_some(), "{m} {p} has no handler");
    }
}

#[test]
fn the_openapi_document_lists_exactly_the_routes() {
    let doc = documented();
    let routes: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    for r in &routes {
        assert!(doc.contains(r), "route {r:?} is not in api/openapi.yaml");
    }
    for d in &doc {
        assert!(
            routes.contains(d),
            "api/openapi.yaml documents {d:?}, which is no route"
        );
    }
    assert!(
        OPENAPI.starts_with("openapi: 3.1"),
        "an OpenAPI 3.1 document"
    );
}
