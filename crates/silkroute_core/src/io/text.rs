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

/// A number with thousands separators and no decimals, for tables and reports (`1,235`,
/// `-1,234,567`).
pub fn thousands(value: f64) -> String {
    let rounded = value.round() as i64;
    let digits = rounded.unsigned_abs().to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    if rounded < 0 { format!("-{out}") } else { out }
}

/// A change with its sign and thousands separators, no decimals (`+1,200`, `−35`, `0`).
pub fn signed(value: f64) -> String {
    if value.round() > 0.0 {
        format!("+{}", thousands(value))
    } else if value.round() < 0.0 {
        format!("−{}", thousands(-value))
    } else {
        "0".to_string()
    }
}

/// A change with its sign and one decimal (`+0.4`, `−1.5`, `0`).
pub fn signed1(value: f64) -> String {
    if value >= 0.05 {
        format!("+{value:.1}")
    } else if value <= -0.05 {
        format!("−{:.1}", -value)
    } else {
        "0".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_group_digits_and_changes_carry_their_sign() {
        assert_eq!(thousands(0.4), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1234.6), "1,235");
        assert_eq!(thousands(-1234567.0), "-1,234,567");
        assert_eq!(signed(1200.0), "+1,200");
        assert_eq!(signed(-35.2), "−35");
        assert_eq!(signed(0.3), "0");
        assert_eq!(signed1(0.44), "+0.4");
        assert_eq!(signed1(-1.5), "−1.5");
        assert_eq!(signed1(0.01), "0");
    }

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
