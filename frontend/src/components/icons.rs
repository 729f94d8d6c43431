//! Inline SVG icons in the style of a single stroke set, so they take the text colour and need no
//! extra request.

use leptos::prelude::*;

#[component]
fn Icon(children: Children) -> impl IntoView {
    view! {
        <svg
            class="icon"
            viewBox="0 0 24 24"
            width="20"
            height="20"
            fill="none"
            stroke="currentColor"
            stroke-width="1.8"
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden="true"
        >
            {children()}
        </svg>
    }
}

#[component]
pub fn HomeIcon() -> impl IntoView {
    view! {
        <Icon>
            <path d="M3 10.5 12 3l9 7.5" />
            <path d="M5 9v11h5v-6h4v6h5V9" />
        </Icon>
    }
}

#[component]
pub fn SignOutIcon() -> impl IntoView {
    view! {
        <Icon>
            <path d="M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3" />
            <path d="M10 17l-5-5 5-5" />
            <path d="M5 12h11" />
        </Icon>
    }
}

#[component]
pub fn GlobeIcon() -> impl IntoView {
    view! {
        <Icon>
            <circle cx="12" cy="12" r="9" />
            <path d="M3 12h18" />
            <path d="M12 3a14 14 0 0 1 0 18a14 14 0 0 1 0-18z" />
        </Icon>
    }
}

#[component]
pub fn AlertIcon() -> impl IntoView {
    view! {
        <Icon>
            <circle cx="12" cy="12" r="9" />
            <path d="M12 7.5v5" />
            <path d="M12 16.2v.1" />
        </Icon>
    }
}

#[component]
pub fn CheckIcon() -> impl IntoView {
    view! {
        <Icon>
            <circle cx="12" cy="12" r="9" />
            <path d="m8 12.5 2.8 2.8L16.5 9.5" />
        </Icon>
    }
}

/// The brand mark: the first character of 客户 in a rounded square.
#[component]
pub fn Logo() -> impl IntoView {
    view! { <span class="logo" aria-hidden="true">"客"</span> }
}
