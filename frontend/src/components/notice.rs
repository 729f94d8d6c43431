//! A message that outlives a page: "saved" is said on the list a form returns to.

use leptos::prelude::*;

use crate::i18n::{I18n, Key};

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// A template that may contain `{name}`.
    pub key: Key,
    pub name: String,
}

impl Notice {
    pub fn new(key: Key, name: impl Into<String>) -> Notice {
        Notice { key, name: name.into() }
    }

    /// The text in the current language; reactive.
    pub fn text(&self, i18n: I18n) -> String {
        i18n.t(self.key).replace("{name}", &self.name)
    }
}

/// The notice waiting for the next page, shared through context.
#[derive(Clone, Copy)]
pub struct Notices(StoredValue<Option<Notice>>);

impl Notices {
    pub fn provide() {
        provide_context(Notices(StoredValue::new(None)));
    }

    pub fn push(&self, notice: Notice) {
        self.0.set_value(Some(notice));
    }

    pub fn take(&self) -> Option<Notice> {
        self.0.try_update_value(Option::take).flatten()
    }
}

pub fn use_notices() -> Notices {
    expect_context::<Notices>()
}
