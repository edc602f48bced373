//! Adapters between Claude Code and the acme-web UI.
//!
//! Claude Code run with `--output-format stream-json` writes one JSON object per line.
//! [`parse_line`] turns each line into a [`StreamEvent`] the UI can render.

mod claude_stream;

pub use claude_stream::{parse_line, ContentBlock, StreamEvent};

/// Parse a whole transcript, skipping blank lines and lines that are not JSON.
pub fn parse_transcript(text: &str) -> Vec<StreamEvent> {
    text.lines().filter_map(|line| parse_line(line).ok().flatten()).collect()
}
