//! What a page shows while it waits, when it failed, when it has nothing, and when the user may
//! not see it.

use leptos::prelude::*;

use crate::components::icons::{Icon, icon};
use crate::i18n::{Key, tr, use_i18n};
use crate::routes::{AppRoute, Link};
use crate::session::use_session;

#[component]
pub fn Loading(testid: &'static str) -> impl IntoView {
    view! {
        <div class="state" role="status" aria-live="polite" data-testid=testid>
            <span class="spinner spinner-lg" aria-hidden="true"></span>
            <p class="state-hint">{tr(Key::Loading)}</p>
        </div>
    }
}

/// A read that failed, with the reason and a way to try again.
#[component]
pub fn LoadFailed(error: Key, retry: Callback<()>, testid: &'static str) -> impl IntoView {
    view! {
        <div class="state" role="alert" data-testid=testid>
            <span class="state-icon state-icon-danger">
                {icon(Icon::Alert)}
            </span>
            <p class="state-title">{tr(Key::LoadFailed)}</p>
            <p class="state-hint">{tr(error)}</p>
            <button type="button" class="btn btn-ghost" on:click=move |_| retry.run(())>
                {tr(Key::TryAgain)}
            </button>
        </div>
    }
}

/// Shown in place of an administrator's page to everyone else. The API refuses them as well;
/// this only spares them a page of errors.
#[component]
pub fn NotAllowed() -> impl IntoView {
    view! {
        <div class="page">
            <div class="state state-page" data-testid="not-allowed">
                <span class="state-icon">
                    {icon(Icon::Lock)}
                </span>
                <h1 class="state-title">{tr(Key::NotAllowedTitle)}</h1>
                <p class="state-hint">{tr(Key::NotAllowedBody)}</p>
                <Link route=AppRoute::Home class="btn btn-primary">
                    {tr(Key::BackHome)}
                </Link>
            </div>
        </div>
    }
}

/// Shown in place of a record that does not exist, or that the user may not see: the API answers
/// both with 404, so that what exists is not given away.
#[component]
pub fn NotFoundState() -> impl IntoView {
    view! {
        <div class="page">
            <div class="state state-page" data-testid="not-found">
                <span class="state-icon">
                    {icon(Icon::Search)}
                </span>
                <h1 class="state-title">{tr(Key::RecordNotFoundTitle)}</h1>
                <p class="state-hint">{tr(Key::RecordNotFoundBody)}</p>
                <Link route=AppRoute::Customers class="btn btn-primary">
                    {tr(Key::NavCustomers)}
                </Link>
            </div>
        </div>
    }
}

/// `f`'s value as a signal that notifies only when the value changes. A `Memo` does the same;
/// this is built from the signal and effect code the app carries anyway, which keeps the
/// download smaller. Unlike a memo it catches up one tick after its sources change.
pub fn distinct<T>(f: impl Fn() -> T + 'static) -> ReadSignal<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let (value, set) = signal(untrack(&f));
    Effect::new(move |_| {
        let next = f();
        if value.with_untracked(|now| *now != next) {
            set.set(next);
        }
    });
    value
}

/// Draws `yes` while `cond` holds and `no` otherwise, redrawing only when `cond` changes. Like
/// `Show`, but one compiled copy serves every use.
pub fn when(cond: impl Fn() -> bool + 'static, yes: ViewFn, no: ViewFn) -> impl IntoView {
    let cond = distinct(cond);
    move || if cond.get() { yes.run() } else { no.run() }
}

/// A part of a page redrawn whenever what `f` reads changes. Every such part shares one compiled
/// copy of the redrawing code; a closure of its own in a view would compile a copy for each.
pub fn dynamic(f: impl Fn() -> AnyView + Send + Sync + 'static) -> impl IntoView {
    redraw(ViewFn::from(f))
}

fn redraw(f: ViewFn) -> impl IntoView {
    move || f.run()
}

/// Text that follows what `f` reads; like [`dynamic`], one compiled copy serves every use.
pub fn live(f: impl Fn() -> String + Send + Sync + 'static) -> Signal<String> {
    Signal::derive(f)
}

/// Draws `children` for administrators only; the children's own data loads only then.
#[component]
pub fn AdminOnly(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    when(move || session.is_admin(), ViewFn::from(move || children()), ViewFn::from(NotAllowed))
}

/// The title row of a page, with a way back to its list and room for actions.
#[component]
pub fn PageHead(
    title: Signal<String>,
    #[prop(optional)] lede: Option<Key>,
    #[prop(optional)] back: Option<(AppRoute, Key)>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="page-head">
            {back
                .map(|(route, label)| {
                    view! {
                        <Link route=route class="back-link" testid="back-link">
                            {icon(Icon::Back)}
                            <span>{move || i18n.t(label)}</span>
                        </Link>
                    }
                })}
            <div class="page-head-row">
                <h1 class="page-title" data-testid="page-title">
                    {move || title.get()}
                </h1>
                {children.map(|c| view! { <div class="page-actions">{c()}</div> })}
            </div>
            {lede.map(|k| view! { <p class="page-lede">{tr(k)}</p> })}
        </header>
    }
}
