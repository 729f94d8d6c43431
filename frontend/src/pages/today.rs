//! `/today` (and the top of the home page): a rep's day. The open tasks due by tonight, overdue
//! ones first, each done in one tap; and the customers who have waited longest for a word.

use chrono::{Duration, SecondsFormat};
use kehu_client::{ClientError, ListQuery};
use kehu_core::activity::Activity;
use kehu_core::customer::Customer;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::components::icons::{Icon, icon};
use crate::components::states::{LoadFailed, Loading, PageHead, dynamic, live};
use crate::components::time;
use crate::i18n::{Key, tr, use_i18n};
use crate::pages::customers::parts::customer_row;
use crate::pages::customers::timeline::{complete, done_button};
use crate::routes::{AppRoute, Link};
use crate::session::use_session;

/// How many tasks the day shows; more than this is a backlog, not a day.
const TASKS: i64 = 100;
/// How many customers to suggest following up.
const FOLLOW_UPS: i64 = 5;

type Read<T> = RwSignal<Option<Result<Vec<T>, ClientError>>>;

/// Handles `/today`.
#[component]
pub fn TodayPage() -> impl IntoView {
    let i18n = use_i18n();
    let date = live(move || time::day(time::now(), i18n.lang()));
    view! {
        <div class="page">
            <PageHead title=Signal::derive(move || i18n.t(Key::TodayTitle).to_owned())>
                <span class="page-date">{date}</span>
            </PageHead>
            <MyDay />
        </div>
    }
}

/// The day's tasks and follow-ups, as two cards.
#[component]
pub fn MyDay() -> impl IntoView {
    let session = use_session();
    let tasks: Read<Activity> = RwSignal::new(None);
    let follow: Read<Customer> = RwSignal::new(None);
    // Tasks name their customer by id only; names are read one customer at a time and fill in.
    let names = RwSignal::new(Vec::<(Uuid, String)>::new());
    let sells = untrack(|| session.works_customers());

    let load_tasks = move || {
        tasks.set(None);
        let client = session.client();
        let end = time::today().end().unwrap_or_else(time::now);
        let query = ListQuery::new()
            .param("owner_id", "me")
            .param("done", "false")
            .param("due[lte]", end.to_rfc3339_opts(SecondsFormat::Secs, true))
            .sort("due_at")
            .limit(TASKS);
        spawn_local(async move {
            let result = client.list_activities(&query).await.map(|page| page.data);
            if let Ok(list) = &result {
                let mut ids: Vec<Uuid> = Vec::new();
                for id in list.iter().map(|a| a.customer_id) {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                if !ids.is_empty() {
                    // The tasks' customers' names, in one call.
                    let joined = ids.iter().map(Uuid::to_string).collect::<Vec<_>>().join(",");
                    let names_query = ListQuery::new().param("id", joined).limit(TASKS);
                    let client = client.clone();
                    spawn_local(async move {
                        if let Ok(page) = client.list_customers(&names_query).await {
                            names.try_update(|n| n.extend(page.data.into_iter().map(|c| (c.id, c.name))));
                        }
                    });
                }
            }
            tasks.try_set(Some(result));
        });
    };
    let load_follow = move || {
        follow.set(None);
        let client = session.client();
        let query = ListQuery::new().param("owner_id", "me").sort("last_activity_at").limit(FOLLOW_UPS);
        spawn_local(async move {
            let result = client.list_customers(&query).await.map(|page| page.data);
            follow.try_set(Some(result));
        });
    };
    load_tasks();
    if sells {
        load_follow();
    }

    view! {
        <div class="grid day">
            <section class="card" aria-labelledby="tasks-heading" data-testid="day-tasks">
                <div class="card-head">
                    <h2 class="card-title" id="tasks-heading">{tr(Key::TasksDueHeading)}</h2>
                    <span class="badge" hidden=move || task_count(tasks) == 0>
                        {live(move || task_count(tasks).to_string())}
                    </span>
                </div>
                <TaskList tasks=tasks names=names retry=Callback::new(move |()| load_tasks()) />
            </section>
            {sells
                .then(|| {
                    view! {
                        <section class="card" aria-labelledby="follow-heading" data-testid="day-follow-ups">
                            <div class="card-head">
                                <h2 class="card-title" id="follow-heading">{tr(Key::FollowUpsHeading)}</h2>
                                <Link route=AppRoute::Customers class="card-link">{tr(Key::AllCustomers)}</Link>
                            </div>
                            <p class="hint card-lede">{tr(Key::FollowUpsHint)}</p>
                            {dynamic(move || match follow.get() {
                                None => view! { <Loading testid="follow-loading" /> }.into_any(),
                                Some(Err(e)) => view! {
                                    <LoadFailed
                                        error=Key::for_error(&e)
                                        retry=Callback::new(move |()| load_follow())
                                        testid="follow-error"
                                    />
                                }
                                .into_any(),
                                Some(Ok(list)) if list.is_empty() => view! {
                                    <p class="muted-line">{tr(Key::FollowUpsEmpty)}</p>
                                }
                                .into_any(),
                                Some(Ok(list)) => {
                                    let rows = list.into_iter().map(|c| customer_row(c, None)).collect_view();
                                    view! { <ul class="rows" data-testid="follow-ups">{rows}</ul> }.into_any()
                                }
                            })}
                        </section>
                    }
                })}
        </div>
    }
}

fn task_count(tasks: Read<Activity>) -> usize {
    tasks.with(|t| t.as_ref().and_then(|r| r.as_ref().ok()).map_or(0, Vec::len))
}

#[component]
fn TaskList(tasks: Read<Activity>, names: RwSignal<Vec<(Uuid, String)>>, retry: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let busy = RwSignal::new(None::<Uuid>);
    let failure = RwSignal::new(None::<Key>);
    let done = Callback::new(move |result: Result<Activity, Key>| match result {
        Ok(finished) => tasks.update(|t| {
            if let Some(Ok(list)) = t {
                list.retain(|a| a.id != finished.id);
            }
        }),
        Err(key) => failure.set(Some(key)),
    });
    let list = dynamic(move || match tasks.get() {
        None => view! { <Loading testid="tasks-loading" /> }.into_any(),
        Some(Err(e)) => view! { <LoadFailed error=Key::for_error(&e) retry=retry testid="tasks-error" /> }.into_any(),
        Some(Ok(list)) if list.is_empty() => view! {
            <div class="empty" data-testid="tasks-empty">
                <span class="empty-icon">{icon(Icon::Check)}</span>
                <p class="empty-title">{tr(Key::TodayEmpty)}</p>
                <p class="empty-hint">{tr(Key::TodayEmptyHint)}</p>
            </div>
        }
        .into_any(),
        Some(Ok(list)) => {
            let now = time::now();
            let morning = time::today().end().map_or(now, |end| end - Duration::days(1));
            let rows = list
                .into_iter()
                .map(|a| {
                    let (id, customer) = (a.id, a.customer_id);
                    let due = a.due_at.unwrap_or(now);
                    let late = due < now;
                    let when = live(move || {
                        let lang = i18n.lang();
                        if due > morning { time::time_of_day(due, lang) } else { time::day_and_time(due, lang) }
                    });
                    let name = live(move || {
                        let known = names.with(|n| n.iter().find(|(i, _)| *i == customer).map(|(_, n)| n.clone()));
                        known.unwrap_or_else(|| i18n.t(Key::OpenCustomer).to_owned())
                    });
                    view! {
                        <li class="tl-item task-row" data-testid="day-task">
                            <span class="tl-icon" aria-hidden="true">{icon(Icon::Task)}</span>
                            <div class="tl-body">
                                <p class="tl-head">
                                    <span class="tl-subject">{a.subject}</span>
                                    {late.then(|| view! { <span class="badge badge-danger">{tr(Key::Overdue)}</span> })}
                                </p>
                                <p class="tl-meta">
                                    <Link
                                        route=AppRoute::Customer(customer)
                                        class="tl-customer"
                                        testid="day-task-customer"
                                    >
                                        {name}
                                    </Link>
                                    <span class:tl-late=late>{when}</span>
                                </p>
                                {done_button(id, busy, move || complete(session, id, busy, done))}
                            </div>
                        </li>
                    }
                })
                .collect_view();
            view! { <ol class="timeline" data-testid="day-task-list">{rows}</ol> }.into_any()
        }
    });
    view! {
        <p class="field-error" role="alert" hidden=move || failure.with(Option::is_none)>
            {live(move || failure.get().map(|k| i18n.t(k)).unwrap_or_default().to_owned())}
        </p>
        {list}
    }
}
