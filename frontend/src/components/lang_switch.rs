use leptos::prelude::*;

use crate::components::icons::{Icon, icon};
use crate::i18n::{Key, tr, use_i18n};

/// Offers the other language, labelled in that language so a reader of it can find it.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            type="button"
            class="btn btn-ghost lang-switch"
            data-testid="lang-switch"
            title=tr(Key::SwitchLanguage)
            aria-label=move || {
                format!("{}: {}", i18n.t(Key::SwitchLanguage), i18n.t(Key::OtherLanguage))
            }
            on:click=move |_| i18n.set(i18n.lang().other())
        >
            {icon(Icon::Globe)}
            <span lang=move || i18n.lang().other().code()>{tr(Key::OtherLanguage)}</span>
        </button>
    }
}
