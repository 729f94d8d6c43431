//! `/complaints`: the service queue. Complaints still being worked on, the next deadline first,
//! each with a countdown to it; filters for the unassigned queue, one's own, every open one, the
//! breached ones and the finished ones.

pub mod new;
pub mod parts;
mod timeline;
pub mod view;

use kehu_client::ListQuery;
use kehu_core::complaint::Complaint;
use leptos::prelude::*;

use crate::components::feed::{Empty, Feed, FeedList, SearchBox};
use crate::components::icons::{Icon, icon};
use crate::components::states::PageHead;
use crate::i18n::{Key, tr, use_i18n};
use crate::pages::complaints::parts::{ACTIVE, clock, complaint_row, may_take};
use crate::routes::{AppRoute, Link};
use crate::session::use_session;

/// The queue's views, each a set of filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    /// Nobody has it yet.
    Queue,
    Mine,
    Open,
    Breached,
    /// Resolved or closed, the latest first.
    Done,
}

impl View {
    const ALL: [View; 5] = [View::Open, View::Queue, View::Mine, View::Breached, View::Done];

    fn query(self) -> ListQuery {
        let active = ListQuery::new().param("status", ACTIVE).sort("due_at");
        match self {
            View::Queue => active.param("assignee_id", "none"),
            View::Mine => active.param("assignee_id", "me"),
            View::Open => active,
            View::Breached => active.param("breached", "true"),
            View::Done => ListQuery::new().param("status", "resolved,closed").sort("-updated_at"),
        }
    }

    fn label(self) -> Key {
        match self {
            View::Queue => Key::QueueFilterQueue,
            View::Mine => Key::OwnerMine,
            View::Open => Key::QueueFilterOpen,
            View::Breached => Key::Breached,
            View::Done => Key::QueueFilterDone,
        }
    }

    fn testid(self) -> &'static str {
        match self {
            View::Queue => "complaints-filter-queue",
            View::Mine => "complaints-filter-mine",
            View::Open => "complaints-filter-open",
            View::Breached => "complaints-filter-breached",
            View::Done => "complaints-filter-done",
        }
    }
}

/// Handles `/complaints`.
#[component]
pub fn ComplaintsPage() -> impl IntoView {
    let i18n = use_i18n();
    let shown = RwSignal::new(View::Open);
    let q = RwSignal::new(String::new());
    let feed: Feed<Complaint> = Feed::new(Callback::new(move |()| {
        let query = shown.get_untracked().query();
        let text = q.get_untracked();
        if text.trim().is_empty() { query } else { query.search(text.trim()) }
    }));
    feed.reload();
    let tick = clock();

    // Administrators are never given a complaint, so "Mine" would always be empty for them.
    let takes = may_take(untrack(|| use_session().role()));
    let chips = View::ALL
        .into_iter()
        .filter(|v| takes || *v != View::Mine)
        .map(|v| {
            view! {
                <button
                    type="button"
                    class="filter-chip"
                    data-testid=v.testid()
                    aria-pressed=move || (shown.get() == v).to_string()
                    on:click=move |_| {
                        shown.set(v);
                        feed.reload();
                    }
                >
                    {tr(v.label())}
                </button>
            }
        })
        .collect_view();
    let empty = Empty {
        icon: Icon::Complaint,
        title: Key::ComplaintsEmpty,
        hint: Key::ComplaintsEmptyHint,
        filtered: Signal::derive(move || !q.with(|t| t.trim().is_empty())),
        clear: Callback::new(move |()| {
            q.set(String::new());
            feed.reload();
        }),
    };
    view! {
        <div class="page">
            <PageHead
                title=Signal::derive(move || i18n.t(Key::ComplaintsTitle).to_owned())
                lede=Key::ComplaintsLede
            >
                <Link route=AppRoute::NewComplaint(None) class="btn btn-primary" testid="complaints-new">
                    {icon(Icon::Plus)}
                    <span>{tr(Key::NewComplaint)}</span>
                </Link>
            </PageHead>
            <div class="toolbar" role="search">
                <SearchBox feed=feed text=q placeholder=Key::SearchComplaints testid="complaints-search" />
                <div class="filter-chips" role="group" aria-label=tr(Key::ComplaintsFilterLabel)>
                    {chips}
                </div>
            </div>
            <FeedList
                feed=feed
                row=Callback::new(move |c| complaint_row(c, tick, true))
                empty=empty
                testid="complaints-list"
            />
        </div>
    }
}
