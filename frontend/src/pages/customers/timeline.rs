//! A customer's timeline: the latest activities, newest first, with open tasks marked and done
//! in one tap, and older ones a page at a time.

use chrono::{DateTime, Utc};
use kehu_client::ListQuery;
use kehu_core::activity::{Activity, ActivityKind};
use kehu_core::customer::OVERVIEW_ACTIVITIES;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::components::form::action_button;
use crate::components::icons::{Icon, icon};
use crate::components::states::{dynamic, live};
use crate::components::time;
use crate::data::use_people;
use crate::i18n::{I18n, Key, activity_key, tr, use_i18n};
use crate::pages::customers::view::{Ov, read};
use crate::session::{Session, use_session};

/// The longest part of an activity's text the timeline shows; the rest is a tap away later.
const EXCERPT: usize = 280;
/// Older activities read per tap of "Show older".
const OLDER_PAGE: i64 = 25;

pub fn activity_icon(kind: ActivityKind) -> Icon {
    match kind {
        ActivityKind::Note => Icon::Note,
        ActivityKind::Call => Icon::Phone,
        ActivityKind::Visit => Icon::Pin,
        ActivityKind::Meeting => Icon::Users,
        ActivityKind::Email => Icon::Mail,
        ActivityKind::Task => Icon::Task,
    }
}

/// The start of a long text, cut at a character boundary.
pub fn excerpt(text: &str) -> String {
    let mut chars = text.trim().chars();
    let head: String = chars.by_ref().take(EXCERPT).collect();
    if chars.next().is_some() { format!("{}…", head.trim_end()) } else { head }
}

/// "Due Mar 1, 2:00 PM", marked overdue once that has passed.
pub fn due_text(i18n: I18n, due: DateTime<Utc>) -> String {
    i18n.t(Key::DueAt).replace("{when}", &time::day_and_time(due, i18n.lang()))
}

/// Completes a task: the answer replaces it wherever the caller keeps it.
pub fn complete(session: Session, id: Uuid, busy: RwSignal<Option<Uuid>>, done: Callback<Result<Activity, Key>>) {
    if busy.get_untracked().is_some() {
        return;
    }
    busy.set(Some(id));
    let client = session.client();
    spawn_local(async move {
        let result = client.complete_activity(&id.to_string()).await;
        busy.try_set(None);
        done.run(result.map_err(|e| Key::for_error(&e)));
    });
}

/// The "Done" button of an open task.
pub fn done_button(id: Uuid, busy: RwSignal<Option<Uuid>>, on_click: impl Fn() + Send + Sync + 'static) -> AnyView {
    action_button(
        "btn btn-sm btn-soft",
        "task-done",
        Key::MarkDone,
        Signal::derive(move || busy.get() == Some(id)),
        Signal::derive(move || busy.get().is_some()),
        Callback::new(move |()| on_click()),
    )
}

#[component]
pub fn Timeline(
    ov: Ov,
    failure: RwSignal<Option<Key>>,
    /// The activity just logged, which arrives with a little movement so the eye finds it.
    fresh: StoredValue<Option<Uuid>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let people = use_people();
    let busy = RwSignal::new(None::<Uuid>);
    let owner = move || read(ov, |o| o.customer.owner_id).flatten();
    // Activities older than the overview's, read on demand through the activity list (same order).
    let older = RwSignal::new(Vec::<Activity>::new());
    // `None` before the first page of older ones; then the next page's cursor, if any.
    let next = RwSignal::new(None::<Option<String>>);
    let loading = RwSignal::new(false);
    let show_older = move || {
        if loading.get_untracked() {
            return;
        }
        let Some(customer) = read(ov, |o| o.customer.id) else { return };
        let mut query =
            ListQuery::new().param("customer_id", customer.to_string()).sort("-created_at").limit(OLDER_PAGE);
        match next.get_untracked() {
            Some(Some(cursor)) => query = query.cursor(cursor),
            Some(None) => return,
            None => {}
        }
        loading.set(true);
        let client = session.client();
        spawn_local(async move {
            let result = client.list_activities(&query).await;
            loading.try_set(false);
            match result {
                Ok(page) => {
                    // The first page repeats what the overview shows; those are dropped.
                    let mut shown =
                        read(ov, |o| o.latest_activities.iter().map(|a| a.id).collect::<Vec<_>>()).unwrap_or_default();
                    older.update(|list| {
                        shown.extend(list.iter().map(|a| a.id));
                        list.extend(page.data.into_iter().filter(|a| !shown.contains(&a.id)));
                    });
                    next.set(Some(page.next_cursor.filter(|_| page.has_more)));
                }
                Err(e) => failure.set(Some(Key::for_error(&e))),
            }
        });
    };
    let done = Callback::new(move |result: Result<Activity, Key>| match result {
        Ok(activity) => ov.update(|o| {
            if let Some(o) = o {
                o.counts.open_tasks = (o.counts.open_tasks - 1).max(0);
                if o.customer.last_activity_at.is_none_or(|t| activity.done_at.is_some_and(|d| d > t)) {
                    o.customer.last_activity_at = activity.done_at;
                }
                if let Some(a) = o.latest_activities.iter_mut().find(|a| a.id == activity.id) {
                    *a = activity.clone();
                }
            }
            older.update(|list| {
                if let Some(a) = list.iter_mut().find(|a| a.id == activity.id) {
                    *a = activity;
                }
            });
        }),
        Err(key) => failure.set(Some(key)),
    });

    let list = dynamic(move || {
        let mut activities = read(ov, |o| o.latest_activities.clone()).unwrap_or_default();
        activities.extend(older.get());
        if activities.is_empty() {
            return view! {
                <div class="empty" data-testid="timeline-empty">
                    <span class="empty-icon">{icon(Icon::Clock)}</span>
                    <p class="empty-title">{tr(Key::TimelineEmpty)}</p>
                    <p class="empty-hint">{tr(Key::TimelineEmptyHint)}</p>
                </div>
            }
            .into_any();
        }
        let now = time::now();
        let may_change = session.may_change(owner());
        let me = session.my_id();
        let items = activities
            .into_iter()
            .map(|a| {
                let Activity { id, kind, subject, body, owner_id, due_at, done_at, created_at, .. } = a;
                let open = done_at.is_none();
                let overdue = open && due_at.is_some_and(|d| d < now);
                let who = live(move || people.name(owner_id).unwrap_or_default());
                let when = live(move || match (done_at, due_at) {
                    (None, Some(due)) => due_text(i18n, due),
                    (at, _) => time::relative(at.unwrap_or(created_at), i18n.lang()),
                });
                let action = (open && (may_change || Some(owner_id) == me))
                    .then(|| done_button(id, busy, move || complete(session, id, busy, done)));
                view! {
                    <li
                        class="tl-item"
                        data-kind=kind.as_str()
                        data-fresh=(fresh.get_value() == Some(id)).then_some("true")
                        data-testid="timeline-item"
                    >
                        <span class="tl-icon" aria-hidden="true">{icon(activity_icon(kind))}</span>
                        <div class="tl-body">
                            <p class="tl-head">
                                <span class="tl-subject" data-testid="timeline-subject">{subject}</span>
                                {open.then(|| view! {
                                    <span class=if overdue { "badge badge-danger" } else { "badge badge-warning" }>
                                        {tr(if overdue { Key::Overdue } else { Key::OpenTask })}
                                    </span>
                                })}
                            </p>
                            {body
                                .filter(|b| !b.trim().is_empty())
                                .map(|b| view! { <p class="tl-text">{excerpt(&b)}</p> })}
                            <p class="tl-meta">
                                <span>{tr(activity_key(kind))}</span>
                                <span>{who}</span>
                                <span class:tl-late=overdue>{when}</span>
                            </p>
                            {action}
                        </div>
                    </li>
                }
            })
            .collect_view();
        view! { <ol class="timeline" data-testid="timeline">{items}</ol> }.into_any()
    });
    // Offered while the overview's list is full (there may be more) and pages remain.
    let more = move || {
        let full = read(ov, |o| o.latest_activities.len() as i64 >= OVERVIEW_ACTIVITIES).unwrap_or(false);
        full && next.with(|n| !matches!(n, Some(None)))
    };
    view! {
        {list}
        {dynamic(move || {
            if !more() {
                return ().into_any();
            }
            action_button(
                "btn btn-ghost tl-more",
                "timeline-older",
                Key::ShowOlder,
                loading.into(),
                loading.into(),
                Callback::new(move |()| show_older()),
            )
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn long_texts_are_cut_on_a_character() {
        assert_eq!(excerpt("  short  "), "short");
        let long = "拜访".repeat(200);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), 281);
        assert!(cut.ends_with('…'));
    }
}
