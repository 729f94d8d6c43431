//! The customer's complaints on its page: a warning above everything while any is open, so
//! whoever calls on the customer knows before they do, and the open ones listed with a way to
//! record a new one.

use leptos::prelude::*;

use crate::components::icons::{Icon, icon};
use crate::components::states::{dynamic, live};
use crate::i18n::{Key, tr, use_i18n};
use crate::pages::complaints::parts::{clock, complaint_row, countdown};
use crate::pages::customers::view::{Ov, read};
use crate::routes::{AppRoute, Link};

/// The warning while the customer has open complaints: how many, and the most urgent one (the
/// overview lists them by deadline).
#[component]
pub fn ComplaintBanner(ov: Ov) -> impl IntoView {
    let i18n = use_i18n();
    let tick = clock();
    dynamic(move || {
        let open = read(ov, |o| o.open_complaints.clone()).unwrap_or_default();
        let count = read(ov, |o| o.counts.open_complaints).unwrap_or_default().max(open.len() as i64);
        let Some(first) = open.into_iter().next() else { return ().into_any() };
        let summary = live(move || {
            let key = if count == 1 { Key::OpenComplaintOne } else { Key::OpenComplaintsMany };
            i18n.t(key).replace("{n}", &count.to_string())
        });
        let due = first.due_at;
        let when = live(move || {
            tick.track();
            due.map(|d| format!(" · {}", countdown(i18n.lang(), d, crate::components::time::now()).0))
                .unwrap_or_default()
        });
        view! {
            <div class="alert alert-warning cp-banner" role="status" data-testid="complaint-banner">
                {icon(Icon::Complaint)}
                <span>
                    <strong>{summary}</strong>
                    " "
                    <Link route=AppRoute::Complaint(first.id) testid="complaint-banner-link">
                        <span class="cp-num">{first.number.clone()}</span>" "{first.subject.clone()}
                    </Link>
                    <span class="cp-banner-due">{when}</span>
                </span>
            </div>
        }
        .into_any()
    })
}

/// The open complaints, each a tap away, and the way to record a new one.
#[component]
pub fn Complaints(ov: Ov) -> impl IntoView {
    let tick = clock();
    let id = read(ov, |o| o.customer.id).unwrap_or_default();
    let rows = dynamic(move || {
        let open = read(ov, |o| o.open_complaints.clone()).unwrap_or_default();
        if open.is_empty() {
            return view! { <p class="muted-line" data-testid="complaints-none">{tr(Key::NoOpenComplaints)}</p> }
                .into_any();
        }
        let rows = open.into_iter().map(|c| complaint_row(c, tick, false)).collect_view();
        view! { <ul class="rows cp-rows" data-testid="customer-complaints">{rows}</ul> }.into_any()
    });
    view! {
        <section class="card" aria-labelledby="complaints-heading">
            <div class="card-head">
                <h2 class="card-title" id="complaints-heading">{tr(Key::ResComplaints)}</h2>
                <Link route=AppRoute::NewComplaint(Some(id)) class="btn btn-sm btn-soft" testid="customer-new-complaint">
                    {icon(Icon::Plus)}
                    <span>{tr(Key::NewComplaint)}</span>
                </Link>
            </div>
            {rows}
        </section>
    }
}
