//! The portal's pages: minijinja templates an operator can edit without
//! rebuilding. The defaults ship in `conf/portal/` and are embedded here
//! as well; a file of the same name in `[portal] templates` replaces one.
//! Values are HTML-escaped (auto-escape for `.html`). Re-read on SIGHUP:
//! a set that does not parse keeps the previous one.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use minijinja::Environment;
use serde::Serialize;

/// (name, built-in text).
const BUILTIN: [(&str, &str); 5] = [
    ("base.html", include_str!("../../conf/portal/base.html")),
    (
        "landing.html",
        include_str!("../../conf/portal/landing.html"),
    ),
    ("code.html", include_str!("../../conf/portal/code.html")),
    (
        "message.html",
        include_str!("../../conf/portal/message.html"),
    ),
    ("status.html", include_str!("../../conf/portal/status.html")),
];

const BUILTIN_CSS: &str = include_str!("../../conf/portal/portal.css");

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("{path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("template {name}: {source}")]
    Parse {
        name: String,
        source: minijinja::Error,
    },
}

struct Set {
    env: Environment<'static>,
    css: String,
}

/// The loaded templates and stylesheet.
pub struct Pages {
    dir: Option<PathBuf>,
    set: RwLock<Arc<Set>>,
}

fn load(dir: Option<&Path>) -> Result<Set, TemplateError> {
    let mut env = Environment::new();
    for (name, builtin) in BUILTIN {
        let text = match dir.map(|d| d.join(name)) {
            Some(p) if p.exists() => std::fs::read_to_string(&p)
                .map_err(|source| TemplateError::Read { path: p, source })?,
            _ => builtin.to_string(),
        };
        env.add_template_owned(name, text)
            .map_err(|source| TemplateError::Parse {
                name: name.to_string(),
                source,
            })?;
    }
    // Parse errors surface now, not on a patient's request.
    for (name, _) in BUILTIN {
        env.get_template(name)
            .map_err(|source| TemplateError::Parse {
                name: name.to_string(),
                source,
            })?;
    }
    let css = match dir.map(|d| d.join("portal.css")) {
        Some(p) if p.exists() => {
            std::fs::read_to_string(&p).map_err(|source| TemplateError::Read { path: p, source })?
        }
        _ => BUILTIN_CSS.to_string(),
    };
    Ok(Set { env, css })
}

impl Pages {
    pub fn load(dir: Option<&Path>) -> Result<Pages, TemplateError> {
        Ok(Pages {
            dir: dir.map(Path::to_path_buf),
            set: RwLock::new(Arc::new(load(dir)?)),
        })
    }

    /// Re-read the operator's directory; on error the old set stays.
    pub fn reload(&self) -> Result<(), TemplateError> {
        let set = load(self.dir.as_deref())?;
        if let Ok(mut g) = self.set.write() {
            *g = Arc::new(set);
        }
        Ok(())
    }

    fn current(&self) -> Arc<Set> {
        self.set
            .read()
            .map(|g| g.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    pub fn css(&self) -> String {
        self.current().css.clone()
    }

    /// Render `name` with `ctx`; a failing operator template falls back to
    /// a minimal page rather than an empty answer.
    pub fn render<S: Serialize>(&self, name: &str, ctx: &S) -> String {
        let set = self.current();
        match set
            .env
            .get_template(name)
            .and_then(|t| t.render(minijinja::value::Serde(ctx)))
        {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(template = name, error = %e, "portal template failed");
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Secure messages</title></head><body><main><h1>Secure messages</h1><p>This page cannot be shown right now. Please try again later.</p></main></body></html>".to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Ctx {
        org: &'static str,
        title: &'static str,
        heading: &'static str,
        paragraphs: Vec<&'static str>,
    }

    #[test]
    fn builtin_pages_render_and_escape() {
        let p = Pages::load(None).expect("load");
        let html = p.render(
            "status.html",
            &Ctx {
                org: "<script>alert(1)</script>",
                title: "T",
                heading: "H",
                paragraphs: vec!["a & b"],
            },
        );
        assert!(html.contains("&lt;script&gt;") && !html.contains("<script>"));
        assert!(html.contains("a &amp; b") && html.contains("lang=\"en\""));
    }

    #[test]
    fn an_operator_file_replaces_one_page_and_a_broken_one_is_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(
            dir.path().join("status.html"),
            "{% extends \"base.html\" %}{% block content %}<h1>Custom {{ heading }}</h1>{% endblock %}",
        )
        .expect("write");
        let p = Pages::load(Some(dir.path())).expect("load");
        let html = p.render(
            "status.html",
            &Ctx {
                org: "O",
                title: "T",
                heading: "H",
                paragraphs: vec![],
            },
        );
        assert!(html.contains("<h1>Custom H</h1>"), "{html}");
        std::fs::write(dir.path().join("status.html"), "{% if %}").expect("write");
        assert!(p.reload().is_err());
        assert!(Pages::load(Some(dir.path())).is_err());
    }
}
