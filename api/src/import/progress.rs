//! Progress of long imports: a bar on a terminal, plain lines otherwise.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// Reports progress of a phase of work.
pub struct Progress {
    bar: Option<ProgressBar>,
    plain: bool,
}

impl Progress {
    /// A bar when stderr is a terminal, plain lines otherwise.
    pub fn for_terminal() -> Self {
        if std::io::stderr().is_terminal() {
            Self {
                bar: Some(ProgressBar::new(0)),
                plain: false,
            }
        } else {
            Self {
                bar: None,
                plain: true,
            }
        }
    }

    /// No output at all (tests, demo loading).
    pub fn silent() -> Self {
        Self {
            bar: None,
            plain: false,
        }
    }

    /// Starts a phase of `total` steps.
    pub fn start(&self, phase: &str, total: u64) {
        if let Some(bar) = &self.bar {
            bar.reset();
            bar.set_length(total);
            bar.set_position(0);
            bar.set_style(
                ProgressStyle::with_template("{msg:>12} [{bar:40}] {pos}/{len} ({eta})")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.set_message(phase.to_string());
        } else if self.plain {
            eprintln!("{phase}: 0/{total}");
        }
    }

    /// Marks `done` steps of `total` as finished.
    pub fn advance(&self, phase: &str, done: u64, total: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        } else if self.plain && (done == total || done % 5_000 < super::BATCH as u64) {
            eprintln!("{phase}: {done}/{total}");
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
