//! A row of a list that opens a record. Users and teams share it, so the app carries one copy.

use leptos::prelude::*;

use crate::components::icons::{Icon, icon};
use crate::components::shell::initial;
use crate::i18n::{Key, tr};
use crate::routes::{AppRoute, Link};

#[component]
pub fn ListRow(
    route: AppRoute,
    testid: &'static str,
    title: String,
    /// The second line, e.g. an email address.
    #[prop(into)]
    sub: Signal<String>,
    /// The right-hand column on wide screens, under the title on phones.
    #[prop(into)]
    meta: Signal<String>,
    #[prop(optional)] badge: Option<Key>,
    /// Greys the row out and says it is deactivated.
    #[prop(optional)]
    inactive: bool,
    /// A square mark (a group) instead of a round one (a person).
    #[prop(optional)]
    square: bool,
    /// How far below a top-level record this one sits, for a tree.
    #[prop(optional)]
    depth: usize,
) -> impl IntoView {
    let mark = initial(&title);
    let mark_class = match (square, inactive) {
        (true, _) => "avatar avatar-square",
        (false, true) => "avatar avatar-muted",
        (false, false) => "avatar",
    };
    // The stylesheet indents by this; deeper levels share the last step.
    let indent = ["0", "1", "2", "3"][depth.min(3)];
    view! {
        <li data-depth=indent>
            <Link route=route class="list-row" testid=testid>
                <span class=mark_class aria-hidden="true">
                    {mark}
                </span>
                <span class="list-main">
                    <span class="list-title">
                        <span class="list-name">{title}</span>
                        {inactive.then(|| view! { <span class="badge badge-muted">{tr(Key::StatusInactive)}</span> })}
                    </span>
                    <span class="list-sub">{move || sub.get()}</span>
                </span>
                <span class="list-meta">
                    {badge.map(|k| view! { <span class="badge">{tr(k)}</span> })}
                    <span class="list-sub">{move || meta.get()}</span>
                </span>
                {icon(Icon::Chevron)}
            </Link>
        </li>
    }
}
