//! Pieces the complaint pages share with the customer and quote pages: the names of a complaint's
//! states, priorities, channels and categories, its deadline as a countdown, its badges and its
//! row in a list.

use std::time::Duration;

use chrono::{DateTime, Utc};
use kehu_core::complaint::{
    Complaint, ComplaintAction, ComplaintCategory, ComplaintChannel, ComplaintStatus, Priority,
};
use leptos::prelude::*;

use crate::components::icons::{Icon, icon};
use crate::components::states::live;
use crate::components::time;
use crate::data::use_people;
use crate::i18n::{Key, Lang, tr, use_i18n};
use crate::routes::{AppRoute, Link};
use crate::session::use_session;

/// The statuses of a complaint still being worked on, as the list filter takes them.
pub const ACTIVE: &str = "open,acknowledged,in_progress";

/// How often countdowns are redrawn: they count minutes, so twice a minute keeps them honest.
const TICK: Duration = Duration::from_secs(30);

pub fn status_key(s: ComplaintStatus) -> Key {
    match s {
        ComplaintStatus::Open => Key::CpStatusOpen,
        ComplaintStatus::Acknowledged => Key::CpStatusAcknowledged,
        ComplaintStatus::InProgress => Key::CpStatusInProgress,
        ComplaintStatus::Resolved => Key::CpStatusResolved,
        ComplaintStatus::Closed => Key::CpStatusClosed,
    }
}

pub fn priority_key(p: Priority) -> Key {
    match p {
        Priority::Low => Key::PriorityLow,
        Priority::Normal => Key::PriorityNormal,
        Priority::High => Key::PriorityHigh,
        Priority::Urgent => Key::PriorityUrgent,
    }
}

pub fn channel_key(c: ComplaintChannel) -> Key {
    match c {
        ComplaintChannel::Phone => Key::CpChannelPhone,
        ComplaintChannel::Email => Key::CpChannelEmail,
        ComplaintChannel::Web => Key::CpChannelWeb,
        ComplaintChannel::Visit => Key::CpChannelVisit,
        ComplaintChannel::Other => Key::CpChannelOther,
    }
}

pub fn category_key(c: ComplaintCategory) -> Key {
    match c {
        ComplaintCategory::ProductQuality => Key::CatProductQuality,
        ComplaintCategory::Delivery => Key::CatDelivery,
        ComplaintCategory::Service => Key::CatService,
        ComplaintCategory::Billing => Key::CatBilling,
        ComplaintCategory::Other => Key::CatOther,
    }
}

pub fn action_key(a: ComplaintAction) -> Key {
    match a {
        ComplaintAction::Acknowledge => Key::CpAcknowledge,
        ComplaintAction::Start => Key::CpStart,
        ComplaintAction::Resolve => Key::CpResolve,
        ComplaintAction::Close => Key::CpClose,
        ComplaintAction::Reopen => Key::CpReopen,
        ComplaintAction::Assign => Key::CpAssign,
    }
}

/// Whoever may be given a complaint may take one: service agents, reps and their managers.
pub fn may_take(role: Option<kehu_core::user::Role>) -> bool {
    use kehu_core::user::Role;
    matches!(role, Some(Role::Service | Role::Sales | Role::Manager))
}

/// A signal that changes every [`TICK`] while the calling page is shown, for countdowns to read.
pub fn clock() -> RwSignal<u64> {
    let tick = RwSignal::new(0_u64);
    if let Ok(handle) = set_interval_with_handle(move || tick.update(|n| *n += 1), TICK) {
        on_cleanup(move || handle.clear());
    }
    tick
}

/// A span of time in whole minutes, in the largest units that read well: "42 min", "3 h 5 min",
/// "2 d 4 h".
pub fn span(lang: Lang, minutes: i64) -> String {
    let (d, h, m) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    let key = match (d, h, m) {
        (0, 0, _) => Key::DurMinutes,
        (0, _, 0) => Key::DurHours,
        (0, _, _) => Key::DurHoursMinutes,
        (_, 0, _) => Key::DurDays,
        _ => Key::DurDaysHours,
    };
    lang.text(key).replace("{d}", &d.to_string()).replace("{h}", &h.to_string()).replace("{m}", &m.to_string())
}

/// "due in 42 min" or "overdue 1 h 5 min" as of `now`, and whether the deadline has passed. Minutes
/// are rounded up, so a deadline never reads "due in 0 min" while it is still ahead.
pub fn countdown(lang: Lang, due: DateTime<Utc>, now: DateTime<Utc>) -> (String, bool) {
    let seconds = (due - now).num_seconds();
    let minutes = (seconds.abs() + 59) / 60;
    let late = seconds < 0;
    let key = if late { Key::OverdueBy } else { Key::DueIn };
    (lang.text(key).replace("{d}", &span(lang, minutes.max(1))), late)
}

/// A live countdown to `due`, redrawn on each tick of `clock` and on a language switch.
pub fn countdown_view(due: DateTime<Utc>, clock: RwSignal<u64>, testid: &'static str) -> AnyView {
    let i18n = use_i18n();
    let state = move || {
        clock.track();
        countdown(i18n.lang(), due, time::now())
    };
    view! {
        <span
            class="countdown"
            data-late=move || state().1.then_some("true")
            data-testid=testid
            title=move || time::day_and_time(due, i18n.lang())
        >
            {icon(Icon::Clock)}
            <span>{move || state().0}</span>
        </span>
    }
    .into_any()
}

/// The priority as a badge, coloured by urgency.
pub fn priority_badge(p: Priority) -> AnyView {
    view! {
        <span class="badge badge-priority" data-priority=p.as_str() data-testid="complaint-priority">
            {tr(priority_key(p))}
        </span>
    }
    .into_any()
}

pub fn status_badge(s: ComplaintStatus) -> AnyView {
    view! {
        <span class="badge badge-stage" data-stage=s.as_str() data-testid="complaint-status">
            {tr(status_key(s))}
        </span>
    }
    .into_any()
}

/// Said when a deadline of the current round was missed.
pub fn breached_badge(breached: bool) -> Option<AnyView> {
    breached.then(|| {
        view! { <span class="badge badge-danger" data-testid="complaint-breached">{tr(Key::Breached)}</span> }
            .into_any()
    })
}

/// Who works on the complaint: "You", a colleague's name, or that it waits in the queue; reactive.
pub fn assignee_text(lang: Lang, assignee: Option<uuid::Uuid>) -> String {
    match assignee {
        Some(id) if Some(id) == use_session().my_id() => lang.text(Key::OwnerYou).to_owned(),
        Some(id) => use_people().name(id).unwrap_or_default(),
        None => lang.text(Key::Unassigned).to_owned(),
    }
}

/// One complaint in a list: number, badges and countdown on top, then the subject, then who it
/// is from and who has it. `with_customer` is false where the customer is the page's own.
pub fn complaint_row(c: Complaint, clock: RwSignal<u64>, with_customer: bool) -> AnyView {
    let i18n = use_i18n();
    let Complaint { id, number, customer_name, priority, subject, status, assignee_id, due_at, breached, .. } = c;
    let when = match due_at {
        Some(due) if status.is_active() => countdown_view(due, clock, "complaint-due"),
        _ => view! { <span class="countdown">{tr(status_key(status))}</span> }.into_any(),
    };
    let assignee = live(move || assignee_text(i18n.lang(), assignee_id));
    view! {
        <li class="cprow" data-testid="complaint-row">
            <Link route=AppRoute::Complaint(id) class="cprow-link" testid="complaint-link">
                <span class="cprow-top">
                    <span class="cprow-number" data-testid="complaint-number">{number}</span>
                    {priority_badge(priority)}
                    {breached_badge(breached)}
                    {when}
                </span>
                <span class="cprow-subject" data-testid="complaint-subject">{subject}</span>
                <span class="cprow-meta">
                    {with_customer.then(|| view! { <span class="cprow-customer">{customer_name}</span> })}
                    <span class:cprow-queue=assignee_id.is_none()>{assignee}</span>
                </span>
            </Link>
        </li>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_use_the_largest_units() {
        assert_eq!(span(Lang::En, 42), "42 min");
        assert_eq!(span(Lang::En, 60), "1 h");
        assert_eq!(span(Lang::En, 65), "1 h 5 min");
        assert_eq!(span(Lang::En, 1440 * 2 + 245), "2 d 4 h");
        assert_eq!(span(Lang::En, 1440 + 59), "1 d");
        assert_eq!(span(Lang::ZhCn, 65), "1 小时 5 分钟");
    }

    #[test]
    fn countdowns_round_up_and_say_when_late() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let ahead = now + chrono::Duration::seconds(41 * 60 + 10);
        assert_eq!(countdown(Lang::En, ahead, now), ("due in 42 min".to_owned(), false));
        let behind = now - chrono::Duration::minutes(65);
        assert_eq!(countdown(Lang::En, behind, now), ("overdue 1 h 5 min".to_owned(), true));
        assert_eq!(countdown(Lang::En, now + chrono::Duration::seconds(5), now).0, "due in 1 min");
    }

    #[test]
    fn templates_keep_their_placeholders() {
        let templates: [(Key, &[&str]); 14] = [
            (Key::DurDays, &["{d}"]),
            (Key::DueIn, &["{d}"]),
            (Key::OverdueBy, &["{d}"]),
            (Key::DurMinutes, &["{m}"]),
            (Key::DurHours, &["{h}"]),
            (Key::DurHoursMinutes, &["{h}", "{m}"]),
            (Key::DurDaysHours, &["{d}", "{h}"]),
            (Key::RespondedAt, &["{when}"]),
            (Key::ResolvedAt, &["{when}"]),
            (Key::EscalatedTo, &["{n}", "{name}"]),
            (Key::HistStatus, &["{from}", "{to}"]),
            (Key::HistPriority, &["{from}", "{to}"]),
            (Key::HistAssigned, &["{name}"]),
            (Key::OpenComplaintsMany, &["{n}"]),
        ];
        for lang in [Lang::En, Lang::ZhCn] {
            for (key, names) in templates {
                for name in names {
                    assert!(lang.text(key).contains(name), "{lang:?} {key:?} {name}");
                }
            }
        }
    }
}
