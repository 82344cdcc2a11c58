use super::*;

#[test]
fn months_come_from_monthly_periods_only() {
    assert_eq!(month_of("2024-06"), Some(6));
    assert_eq!(month_of("2024-12"), Some(12));
    for period in [
        "",
        "2024",
        "2024-H1",
        "2024-Q3",
        "2024-13",
        "2020..2022",
        "2014-11..2014-12",
    ] {
        assert_eq!(month_of(period), None, "{period}");
    }
}

#[test]
fn urls_compare_without_scheme_www_and_trailing_slash() {
    assert_eq!(
        url_key("https://www.Example.com/a/"),
        url_key("http://example.com/a")
    );
    assert_ne!(
        url_key("https://example.com/a"),
        url_key("https://example.com/b")
    );
}
