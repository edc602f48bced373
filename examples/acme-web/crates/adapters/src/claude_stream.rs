//! Parser for Claude Code's `stream-json` output (one JSON object per line).

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StreamEvent {
    System { subtype: String, session_id: Option<String>, model: Option<String> },
    Assistant { message: Message },
    User { message: Message },
    Result {
        subtype: String,
        is_error: bool,
        duration_ms: u64,
        num_turns: u32,
        total_cost_usd: Option<f64>,
        result: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Message {
    #[serde(default)]
    pub content: Vec<ContentBlock>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentBlock {
    Text { text: String },
    ToolUse { id: String, name: String, input: serde_json::Value },
    ToolResult { tool_use_id: String, #[serde(default)] is_error: bool },
    #[serde(other)]
    Other,
}

/// Parse one line. Blank lines and event types we do not know yield `Ok(None)`,
/// so a newer Claude Code version never breaks the UI; malformed JSON is an error.
pub fn parse_line(line: &str) -> Result<Option<StreamEvent>, serde_json::Error> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(None);
    }
    let value: serde_json::Value = serde_json::from_str(line)?;
    Ok(serde_json::from_value(value).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_assistant_text() {
        let line = r#"{"type":"assistant","message":{"content":[{"type":"text","text":"hi"}]}}"#;
        let event = parse_line(line).unwrap().unwrap();
        let expected = StreamEvent::Assistant {
            message: Message { content: vec![ContentBlock::Text { text: "hi".into() }] },
        };
        assert_eq!(event, expected);
    }

    #[test]
    fn unknown_event_type_is_skipped() {
        assert_eq!(parse_line(r#"{"type":"telemetry","x":1}"#).unwrap(), None);
    }

    #[test]
    fn malformed_json_is_an_error() {
        assert!(parse_line("{not json").is_err());
    }
}
