//! Field checks shared by the server and the web app, so both say the same thing.

use crate::FieldError;

/// Collects field failures of one request body.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn add(&mut self, pointer: &str, code: &str, detail: impl Into<String>) {
        self.0.push(FieldError { pointer: pointer.to_owned(), code: code.to_owned(), detail: detail.into() });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A required, trimmed text of `1..=max` characters.
    pub fn text(&mut self, pointer: &str, value: &str, max: usize) {
        let len = value.trim().chars().count();
        if len == 0 {
            self.add(pointer, "required", "must not be empty");
        } else if len > max {
            self.add(pointer, "too_long", format!("must be at most {max} characters"));
        }
    }

    pub fn email(&mut self, pointer: &str, value: &str) {
        if !is_email(value) {
            self.add(pointer, "invalid_email", "must be an email address like name@example.com");
        }
    }

    /// A phone number as people write it: digits with `+`, spaces, dashes, dots, brackets, and
    /// an optional extension after `x` or `#`.
    pub fn phone(&mut self, pointer: &str, value: &str) {
        if !is_phone(value) {
            self.add(pointer, "invalid_phone", "must be a phone number like +86 138 0013 8000");
        }
    }

    pub fn password(&mut self, pointer: &str, value: &str) {
        let len = value.chars().count();
        if len < crate::user::MIN_PASSWORD_LEN {
            self.add(pointer, "too_short", format!("must be at least {} characters", crate::user::MIN_PASSWORD_LEN));
        } else if len > 1024 {
            self.add(pointer, "too_long", "must be at most 1024 characters");
        }
    }
}

/// A plausible address: one `@`, something before it, a dot in the domain, no spaces.
pub fn is_email(value: &str) -> bool {
    let v = value.trim();
    if v.len() > 254 || v.chars().any(char::is_whitespace) {
        return false;
    }
    match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

pub fn is_phone(value: &str) -> bool {
    let v = value.trim();
    let digits = v.chars().filter(char::is_ascii_digit).count();
    (3..=20).contains(&digits)
        && v.chars().count() <= 40
        && v.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '.' | '(' | ')' | 'x' | '#'))
}

/// The digits of a phone number, which is how phones are compared and searched.
pub fn phone_digits(value: &str) -> String {
    value.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(is_email("li.lei@example.com"));
        assert!(is_email(" a@b.cn "));
        for bad in ["", "a", "a@b", "@b.com", "a b@c.com", "a@b@c.com", "a@.com", "a@com."] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn phones() {
        for good in ["13800138000", "+86 138-0013-8000", "(010) 6552 9988", "021.1234.5678 x12", "110"] {
            assert!(is_phone(good), "{good}");
        }
        for bad in ["", "12", "call me", "138 0013 8000 ext. 5", "1234567890123456789012"] {
            assert!(!is_phone(bad), "{bad}");
        }
        assert_eq!(phone_digits("+86 138-0013"), "861380013");
    }

    #[test]
    fn texts_and_passwords() {
        let mut e = Errors::default();
        e.text("/name", "  ", 10);
        e.text("/title", "abcdefghijk", 10);
        e.password("/password", "short");
        e.text("/ok", "李雷", 2);
        let codes: Vec<&str> = e.0.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["required", "too_long", "too_short"]);
    }
}
