//! Values quoted in messages, cut to a readable length: an error about a 1 MB field must not
//! be a 1 MB line.

/// Most characters of a value quoted in full.
pub const CLIP_CHARS: usize = 80;

/// `value` as a message quotes it: whole when at most [`CLIP_CHARS`] characters, else its
/// first 60 characters, `…` and its length in bytes.
pub fn clip(value: &str) -> String {
    if value.chars().count() <= CLIP_CHARS {
        return value.to_string();
    }
    let head: String = value.chars().take(60).collect();
    format!("{head}… ({} bytes)", value.len())
}

/// Most characters of a whole message.
pub const MESSAGE_CHARS: usize = 600;

/// A whole message kept to [`MESSAGE_CHARS`] characters: the start and the end, with the
/// middle cut out and its length said. A backstop for messages built around long values.
pub fn clip_message(message: &str) -> std::borrow::Cow<'_, str> {
    let count = message.chars().count();
    if count <= MESSAGE_CHARS {
        return std::borrow::Cow::Borrowed(message);
    }
    let head: String = message.chars().take(400).collect();
    let tail: String = message.chars().skip(count - 150).collect();
    std::borrow::Cow::Owned(format!("{head}… ({} characters cut) …{tail}", count - 550))
}

/// A number as a message quotes it: plainly, or in scientific notation when plain would be
/// long (`1e308`, not 309 digits).
pub fn number(value: f64) -> String {
    let magnitude = value.abs();
    if value.is_finite() && magnitude != 0.0 && !(1e-6..1e15).contains(&magnitude) {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_stay_short() {
        assert_eq!(number(1e308), "1e308");
        assert_eq!(number(-2.5), "-2.5");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(1e-9), "1e-9");
        assert_eq!(number(0.0), "0");
    }

    #[test]
    fn long_values_are_cut_with_their_length() {
        assert_eq!(clip("55.2"), "55.2");
        let long = format!("55.2{}", "a".repeat(1_000_000));
        let clipped = clip(&long);
        assert!(clipped.starts_with("55.2aaa"), "{clipped}");
        assert!(clipped.ends_with("… (1000004 bytes)"), "{clipped}");
        assert!(clipped.chars().count() < 100);
        let message = format!("nodes.csv:3: lon: `{long}` is not a number");
        let cut = clip_message(&message);
        assert!(cut.starts_with("nodes.csv:3: lon: `55.2"), "{cut}");
        assert!(cut.ends_with("aaa` is not a number"), "{cut}");
        assert!(cut.chars().count() < 700);
        // Multi-byte characters are cut on character boundaries.
        assert_eq!(
            clip(&"é".repeat(100)).chars().count(),
            60 + "… (200 bytes)".chars().count()
        );
    }
}
