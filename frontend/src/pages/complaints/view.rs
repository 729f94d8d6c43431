//! `/complaints/{id}`: one complaint. Who it is from and who has it, its deadlines counting down,
//! the moves its status allows (those that need words ask for them in a sheet), its details and
//! its timeline of comments and changes.

use kehu_client::{ClientError, ListQuery, WriteOptions};
use kehu_core::ErrorCode;
use kehu_core::complaint::{
    AssignComplaint, CloseComplaint, Complaint, ComplaintAction, ReopenComplaint, ResolveComplaint,
};
use kehu_core::user::User;
use kehu_core::validate::Errors;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::components::form::{FieldErrors, FieldSpec, FormAlert, action_button, mark_checked, write_error};
use crate::components::icons::{Icon, icon};
use crate::components::shell::initial;
use crate::components::states::{LoadFailed, Loading, NotFoundState, PageHead, dynamic, live};
use crate::components::time;
use crate::data::{all_pages, use_people};
use crate::i18n::{Key, tr, use_i18n};
use crate::pages::complaints::parts::{
    action_key, assignee_text, breached_badge, category_key, channel_key, clock, countdown_view, may_take,
    priority_badge, status_badge,
};
use crate::pages::complaints::timeline::Timeline;
use crate::routes::{AppRoute, Link};
use crate::session::{Session, use_session};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Load {
    Loading,
    Ready,
    NotFound,
    Failed(Key),
}

/// The moves that ask for something first, each in a sheet of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sheet {
    Resolve,
    Close,
    Reopen,
    Assign,
}

/// A move with what it sends.
enum Move {
    Plain(ComplaintAction),
    Resolve(ResolveComplaint),
    Close(CloseComplaint),
    Reopen(ReopenComplaint),
    Assign(AssignComplaint),
}

impl Move {
    fn action(&self) -> ComplaintAction {
        match self {
            Move::Plain(a) => *a,
            Move::Resolve(_) => ComplaintAction::Resolve,
            Move::Close(_) => ComplaintAction::Close,
            Move::Reopen(_) => ComplaintAction::Reopen,
            Move::Assign(_) => ComplaintAction::Assign,
        }
    }

    fn check(&self) -> Errors {
        match self {
            Move::Plain(_) => Errors::default(),
            Move::Resolve(b) => b.check(),
            Move::Close(b) => b.check(),
            Move::Reopen(b) => b.check(),
            Move::Assign(b) => b.check(),
        }
    }
}

/// The page's state, shared by its parts.
#[derive(Clone, Copy)]
struct Ctx {
    complaint: RwSignal<Option<Complaint>>,
    /// Bumped after each change, so the timeline reads the history again.
    changed: RwSignal<u64>,
    sheet: RwSignal<Option<Sheet>>,
    pending: RwSignal<bool>,
    /// The move under way, whose button spins; the others wait.
    running: RwSignal<Option<ComplaintAction>>,
    /// What went wrong with the last move, said on the page, or in the sheet while one is open.
    page_error: RwSignal<Option<Key>>,
    sheet_error: RwSignal<Option<Key>>,
    sheet_fields: FieldErrors,
    clock: RwSignal<u64>,
    session: Session,
}

impl Ctx {
    /// Reads the complaint again, keeping the page as it is meanwhile.
    fn refresh(self) {
        let Some(id) = self.complaint.with_untracked(|c| c.as_ref().map(|c| c.id)) else { return };
        let client = self.session.client();
        spawn_local(async move {
            if let Ok(c) = client.get_complaint(&id.to_string()).await {
                self.complaint.try_set(Some(c));
                self.changed.try_update(|n| *n += 1);
            }
        });
    }

    fn run(self, m: Move) {
        let Some(c) = self.complaint.get_untracked() else { return };
        if self.pending.get_untracked() {
            return;
        }
        self.page_error.set(None);
        if !mark_checked(self.sheet_fields, self.sheet_error, self.pending, Vec::new(), m.check()) {
            return;
        }
        self.running.set(Some(m.action()));
        let client = self.session.client();
        spawn_local(async move {
            let id = c.id.to_string();
            let opts = WriteOptions::if_match(c.version);
            let result = match &m {
                Move::Plain(a) => client.complaint_action(&id, a.as_str(), &opts).await,
                Move::Resolve(b) => client.resolve_complaint(&id, b, &opts).await,
                Move::Close(b) => client.close_complaint(&id, b, &opts).await,
                Move::Reopen(b) => client.reopen_complaint(&id, b, &opts).await,
                Move::Assign(b) => client.assign_complaint(&id, b, &opts).await,
            };
            self.pending.try_set(false);
            self.running.try_set(None);
            match result {
                Ok(next) => {
                    self.complaint.try_set(Some(next));
                    self.sheet.try_set(None);
                    self.changed.try_update(|n| *n += 1);
                }
                Err(e) => self.refused(&e),
            }
        });
    }

    /// Says why a move was refused, in the sheet while one is open. When the complaint moved on
    /// meanwhile, the page shows it as it is now, and what the user meant to do no longer
    /// applies, so the sheet goes.
    fn refused(self, e: &ClientError) {
        let (key, moved) = match refusal(e.code()) {
            Some(said) => said,
            None => {
                let (fields, key) = write_error(e);
                self.sheet_fields.set(fields);
                (key, false)
            }
        };
        if moved {
            self.sheet.try_set(None);
            self.refresh();
        }
        if self.sheet.get_untracked().is_some() {
            self.sheet_error.try_set(Some(key));
        } else {
            self.page_error.try_set(Some(key));
        }
    }

    /// Whether `action` is the move under way; reactive.
    fn busy(self, action: ComplaintAction) -> Signal<bool> {
        Signal::derive(move || self.running.get() == Some(action))
    }

    fn open(self, sheet: Sheet) {
        self.sheet_error.set(None);
        self.sheet_fields.set(Vec::new());
        self.sheet.set(Some(sheet));
    }
}

/// The refusals particular to complaints: what to say, and whether the complaint has moved on
/// since the page read it. `None` for the rest, which the form plumbing words.
fn refusal(code: Option<ErrorCode>) -> Option<(Key, bool)> {
    match code? {
        ErrorCode::InvalidStateTransition => Some((Key::ErrComplaintMoved, true)),
        ErrorCode::PreconditionFailed => Some((Key::ErrComplaintChanged, true)),
        ErrorCode::ReopenWindowClosed => Some((Key::ErrReopenWindowClosed, false)),
        _ => None,
    }
}

/// Handles `/complaints/{id}`.
#[component]
pub fn ComplaintPage(id: Uuid) -> impl IntoView {
    let session = use_session();
    let ctx = Ctx {
        complaint: RwSignal::new(None),
        changed: RwSignal::new(0),
        sheet: RwSignal::new(None),
        pending: RwSignal::new(false),
        running: RwSignal::new(None),
        page_error: RwSignal::new(None),
        sheet_error: RwSignal::new(None),
        sheet_fields: FieldErrors::new(),
        clock: clock(),
        session,
    };
    let status = RwSignal::new(Load::Loading);
    let load = move || {
        status.set(Load::Loading);
        let client = session.client();
        spawn_local(async move {
            let next = match client.get_complaint(&id.to_string()).await {
                Ok(c) => {
                    ctx.complaint.try_set(Some(c));
                    Load::Ready
                }
                Err(e) if e.code() == Some(ErrorCode::NotFound) => Load::NotFound,
                Err(e) => Load::Failed(Key::for_error(&e)),
            };
            status.try_set(next);
        });
    };
    load();
    dynamic(move || match status.get() {
        Load::Loading => view! { <div class="page"><Loading testid="complaint-loading" /></div> }.into_any(),
        Load::NotFound => view! { <NotFoundState /> }.into_any(),
        Load::Failed(error) => view! {
            <div class="page">
                <LoadFailed error=error retry=Callback::new(move |()| load()) testid="complaint-error" />
            </div>
        }
        .into_any(),
        Load::Ready => ready(ctx, id),
    })
}

fn ready(ctx: Ctx, id: Uuid) -> AnyView {
    let title = move || ctx.complaint.with(|c| c.as_ref().map(|c| c.number.clone()).unwrap_or_default());
    view! {
        <div class="page page-narrow">
            <PageHead title=Signal::derive(title) back=(AppRoute::Complaints, Key::NavComplaints) />
            <div class="stack">
                {dynamic(move || head(ctx))}
                <section class="card cp-moves" data-testid="complaint-moves">
                    <FormAlert error=ctx.page_error errors=FieldErrors::new() testid="complaint-action-error" />
                    {dynamic(move || moves(ctx))}
                </section>
                {dynamic(move || details(ctx))}
                <section class="card" aria-labelledby="cp-timeline-heading">
                    <h2 class="card-title" id="cp-timeline-heading">{tr(Key::ComplaintTimelineHeading)}</h2>
                    <Timeline id=id changed=ctx.changed on_comment=Callback::new(move |()| ctx.refresh()) />
                </section>
            </div>
        </div>
        {dynamic(move || match ctx.sheet.get() {
            None => ().into_any(),
            Some(s) => sheet(ctx, s),
        })}
    }
    .into_any()
}

/// Status, priority and subject; the customer; who has it; the deadlines.
fn head(ctx: Ctx) -> AnyView {
    let i18n = use_i18n();
    let people = use_people();
    let Some(c) = ctx.complaint.get() else { return ().into_any() };
    let assignee = c.assignee_id;
    let who = live(move || assignee_text(i18n.lang(), assignee));
    let take = (c.status.is_active() && assignee != ctx.session.my_id() && may_take(ctx.session.role())).then(|| {
        action_button(
            "btn btn-sm btn-primary",
            "complaint-take",
            Key::TakeIt,
            ctx.busy(ComplaintAction::Assign),
            ctx.pending.into(),
            Callback::new(move |()| {
                let me = ctx.session.my_id();
                ctx.run(Move::Assign(AssignComplaint { assignee_id: Some(me) }));
            }),
        )
    });
    let deadline = |label: Key, due, done: Option<chrono::DateTime<chrono::Utc>>, done_key: Key, testid| {
        let value = match done {
            Some(at) => {
                let text = live(move || i18n.t(done_key).replace("{when}", &time::relative(at, i18n.lang())));
                let exact = live(move || time::day_and_time(at, i18n.lang()));
                view! { <span class="cp-done" title=exact>{icon(Icon::Check)}<span>{text}</span></span> }.into_any()
            }
            None if c.status.is_active() => countdown_view(due, ctx.clock, testid),
            None => view! { <span>"—"</span> }.into_any(),
        };
        view! {
            <div class="cp-deadline">
                <dt>{tr(label)}</dt>
                <dd>{value}</dd>
            </div>
        }
    };
    let escalated = (c.escalation_level > 0).then(|| {
        let (level, to) = (c.escalation_level, c.escalated_to_id);
        let text = live(move || {
            let name = to.and_then(|id| people.name(id)).unwrap_or_default();
            i18n.t(Key::EscalatedTo).replace("{n}", &level.to_string()).replace("{name}", &name)
        });
        view! {
            <p class="cp-escalated" data-testid="complaint-escalated">
                {icon(Icon::Alert)}
                <span>{text}</span>
            </p>
        }
    });
    view! {
        <section class="card cp-head" data-testid="complaint-head">
            <div class="c360-badges">
                {status_badge(c.status)}
                {priority_badge(c.priority)}
                {breached_badge(c.breached)}
            </div>
            <h2 class="cp-subject" data-testid="complaint-subject">{c.subject.clone()}</h2>
            <p class="cp-line">
                {icon(Icon::Building)}
                <Link route=AppRoute::Customer(c.customer_id) testid="complaint-customer">{c.customer_name.clone()}</Link>
            </p>
            <div class="cp-line cp-assignee">
                {icon(Icon::Profile)}
                <span class:cprow-queue=assignee.is_none() data-testid="complaint-assignee">{who}</span>
                {take}
            </div>
            <dl class="cp-deadlines">
                {deadline(Key::FirstResponseDue, c.first_response_due_at, c.first_responded_at, Key::RespondedAt, "complaint-first-due")}
                {deadline(Key::ResolutionDue, c.resolution_due_at, c.resolved_at, Key::ResolvedAt, "complaint-resolution-due")}
            </dl>
            {escalated}
        </section>
    }
    .into_any()
}

/// The buttons of the moves the status allows.
fn moves(ctx: Ctx) -> AnyView {
    let Some(c) = ctx.complaint.get() else { return ().into_any() };
    // The next step stands out; the steps it may skip and the side moves stay quieter.
    let buttons = c
        .status
        .allowed_actions()
        .iter()
        .enumerate()
        .map(|(i, &a)| {
            let class = match a {
                ComplaintAction::Assign | ComplaintAction::Reopen => "btn btn-ghost",
                _ if i == 0 => "btn btn-primary",
                _ => "btn btn-soft",
            };
            let testid = match a {
                ComplaintAction::Acknowledge => "complaint-acknowledge",
                ComplaintAction::Start => "complaint-start",
                ComplaintAction::Resolve => "complaint-resolve",
                ComplaintAction::Close => "complaint-close",
                ComplaintAction::Reopen => "complaint-reopen",
                ComplaintAction::Assign => "complaint-assign",
            };
            let on_click = Callback::new(move |()| match a {
                ComplaintAction::Acknowledge | ComplaintAction::Start => ctx.run(Move::Plain(a)),
                ComplaintAction::Resolve => ctx.open(Sheet::Resolve),
                ComplaintAction::Close => ctx.open(Sheet::Close),
                ComplaintAction::Reopen => ctx.open(Sheet::Reopen),
                ComplaintAction::Assign => ctx.open(Sheet::Assign),
            });
            action_button(class, testid, action_key(a), ctx.busy(a), ctx.pending.into(), on_click)
        })
        .collect_view();
    view! { <div class="lead-move-buttons">{buttons}</div> }.into_any()
}

/// What the complaint is about, how it came in and, once settled, how it ended.
fn details(ctx: Ctx) -> AnyView {
    let i18n = use_i18n();
    let Some(c) = ctx.complaint.get() else { return ().into_any() };
    let fact = |label: Key, value: AnyView| {
        view! {
            <div class="fact">
                <dt>{tr(label)}</dt>
                <dd>{value}</dd>
            </div>
        }
    };
    let text = |s: String| view! { <span>{s}</span> }.into_any();
    let created = c.created_at;
    let satisfaction = c.satisfaction.map(|n| {
        let stars = (1..=5).map(|i| if i <= n { "★" } else { "☆" }).collect::<String>();
        view! {
            <span class="cp-stars" data-testid="complaint-satisfaction">
                <span aria-hidden="true">{stars}</span>
                <span>{format!("{n}/5")}</span>
            </span>
        }
        .into_any()
    });
    let facts = [
        Some(fact(Key::ComplaintChannelLabel, view! { <span>{tr(channel_key(c.channel))}</span> }.into_any())),
        Some(fact(Key::CategoryLabel, view! { <span>{tr(category_key(c.category))}</span> }.into_any())),
        Some(fact(Key::CreatedLabel, live(move || time::day_and_time(created, i18n.lang())).into_any())),
        c.contact_id.map(|id| fact(Key::ProspectContactLabel, contact_link(ctx.session, id))),
        c.purchase_id.map(|id| {
            fact(
                Key::PurchaseLabel,
                view! { <Link route=AppRoute::Purchase(id) testid="complaint-purchase">{tr(Key::OpenPurchase)}</Link> }
                    .into_any(),
            )
        }),
        c.description.clone().map(|d| fact(Key::DescriptionLabel, text(d))),
        c.resolution.clone().map(|r| fact(Key::ResolutionHeading, text(r))),
        satisfaction.map(|s| fact(Key::SatisfactionHeading, s)),
        c.satisfaction_comment.clone().map(|s| fact(Key::SatisfactionCommentLabel, text(s))),
        (c.reopen_count > 0).then(|| fact(Key::ReopenCountLabel, text(c.reopen_count.to_string()))),
    ];
    view! {
        <section class="card" aria-labelledby="cp-details-heading" data-testid="complaint-details">
            <h2 class="card-title" id="cp-details-heading">{tr(Key::DetailsHeading)}</h2>
            <dl class="facts cp-facts">{facts.into_iter().flatten().collect_view()}</dl>
        </section>
    }
    .into_any()
}

/// The contact's name, read on its own, linking to them.
fn contact_link(session: Session, id: Uuid) -> AnyView {
    let name = RwSignal::new(String::new());
    let client = session.client();
    spawn_local(async move {
        if let Ok(c) = client.get_contact(&id.to_string()).await {
            name.try_set(c.name);
        }
    });
    view! { <Link route=AppRoute::Contact(id) testid="complaint-contact">{move || name.get()}</Link> }.into_any()
}

/// The sheet of a move that needs words, a score or a person.
fn sheet(ctx: Ctx, which: Sheet) -> AnyView {
    let (title, testid) = match which {
        Sheet::Resolve => (Key::ResolveTitle, "resolve-sheet"),
        Sheet::Close => (Key::CloseTitle, "close-sheet"),
        Sheet::Reopen => (Key::ReopenTitle, "reopen-sheet"),
        Sheet::Assign => (Key::AssignTitle, "assign-sheet"),
    };
    let close = move || {
        if !ctx.pending.get_untracked() {
            ctx.sheet.set(None);
        }
    };
    // Focus moves into the sheet, so a screen reader announces it and Escape reaches it; not into
    // a field, which would raise a phone's keyboard over the sheet's button.
    let node = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            let _ = el.focus();
        }
    });
    let body = match which {
        Sheet::Resolve => resolve_form(ctx),
        Sheet::Close => close_form(ctx),
        Sheet::Reopen => reopen_form(ctx),
        Sheet::Assign => assign_list(ctx),
    };
    view! {
        <div class="sheet-backdrop" on:click=move |_| close()></div>
        <div
            class="sheet"
            role="dialog"
            aria-modal="true"
            aria-labelledby="cp-sheet-title"
            tabindex="-1"
            node_ref=node
            data-testid=testid
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    close();
                }
            }
        >
            <div class="sheet-head">
                <h2 class="sheet-title" id="cp-sheet-title">{tr(title)}</h2>
                <button
                    type="button"
                    class="btn btn-ghost btn-icon"
                    data-testid="sheet-close"
                    aria-label=tr(Key::Close)
                    on:click=move |_| close()
                >
                    {icon(Icon::Close)}
                </button>
            </div>
            <FormAlert error=ctx.sheet_error errors=ctx.sheet_fields testid="sheet-error" />
            {body}
        </div>
    }
    .into_any()
}

fn submit_row(ctx: Ctx, label: Key, testid: &'static str, on_click: Callback<()>) -> AnyView {
    view! {
        <div class="form-actions">
            {action_button("btn btn-primary", testid, label, ctx.pending.into(), Signal::default(), on_click)}
        </div>
    }
    .into_any()
}

/// Text that may be left empty, as the API takes it.
fn words(s: RwSignal<String>) -> Option<String> {
    let text = s.get_untracked().trim().to_owned();
    (!text.is_empty()).then_some(text)
}

fn resolve_form(ctx: Ctx) -> AnyView {
    let resolution = RwSignal::new(String::new());
    let field = FieldSpec::text(Key::ResolutionLabel, "resolve-text", "/resolution", resolution).area();
    let go = Callback::new(move |()| {
        // An empty text is sent as one, so the shared check names the field.
        let text = resolution.get_untracked().trim().to_owned();
        ctx.run(Move::Resolve(ResolveComplaint { resolution: Some(text) }));
    });
    view! {
        <div class="form">
            {field.view(ctx.sheet_fields, None)}
            {submit_row(ctx, Key::CpResolve, "resolve-submit", go)}
        </div>
    }
    .into_any()
}

fn reopen_form(ctx: Ctx) -> AnyView {
    let reason = RwSignal::new(String::new());
    let field = FieldSpec::text(Key::ReopenReasonLabel, "reopen-reason", "/reason", reason).area();
    let go = Callback::new(move |()| {
        let text = reason.get_untracked().trim().to_owned();
        ctx.run(Move::Reopen(ReopenComplaint { reason: Some(text) }));
    });
    view! {
        <div class="form">
            {field.view(ctx.sheet_fields, None)}
            {submit_row(ctx, Key::CpReopen, "reopen-submit", go)}
        </div>
    }
    .into_any()
}

/// The customer's verdict: five big targets for a thumb, then an optional comment.
fn close_form(ctx: Ctx) -> AnyView {
    let i18n = use_i18n();
    let score = RwSignal::new(None::<i64>);
    let comment = RwSignal::new(String::new());
    const WORDS: [Key; 5] =
        [Key::Satisfaction1, Key::Satisfaction2, Key::Satisfaction3, Key::Satisfaction4, Key::Satisfaction5];
    let buttons = (1..=5_i64)
        .map(|n| {
            view! {
                <button
                    type="button"
                    class="score"
                    data-testid=format!("satisfaction-{n}")
                    aria-pressed=move || (score.get() == Some(n)).to_string()
                    aria-label=move || format!("{n} · {}", i18n.t(WORDS[(n - 1) as usize]))
                    on:click=move |_| {
                        ctx.sheet_fields.clear("/satisfaction");
                        score.set(Some(n));
                    }
                >
                    {n}
                </button>
            }
        })
        .collect_view();
    let chosen = move || score.get().map(|n| i18n.t(WORDS[(n - 1) as usize]));
    let error = move || ctx.sheet_fields.get("/satisfaction");
    let field = FieldSpec::text(Key::SatisfactionCommentLabel, "close-comment", "/satisfaction_comment", comment)
        .area()
        .optional(true);
    let go = Callback::new(move |()| {
        ctx.run(Move::Close(CloseComplaint {
            satisfaction: score.get_untracked(),
            satisfaction_comment: words(comment),
        }));
    });
    view! {
        <div class="form">
            <div class="field">
                <span class="label" id="score-label">{tr(Key::SatisfactionLabel)}</span>
                <div class="scores" role="group" aria-labelledby="score-label">{buttons}</div>
                <p class="score-words" data-testid="satisfaction-words">
                    {move || chosen().unwrap_or("\u{a0}")}
                </p>
                <p class="field-error" data-testid="satisfaction-error" hidden=move || error().is_none()>
                    {move || error().map(|k| i18n.t(k))}
                </p>
            </div>
            {field.view(ctx.sheet_fields, None)}
            {submit_row(ctx, Key::CpClose, "close-submit", go)}
        </div>
    }
    .into_any()
}

/// Who may be given the complaint: oneself first, then the queue, then everyone else by name.
fn assign_list(ctx: Ctx) -> AnyView {
    let users = RwSignal::new(None::<Result<Vec<User>, Key>>);
    let client = ctx.session.client();
    spawn_local(async move {
        let query = ListQuery::new().param("role", "service,sales,manager").param("active", "true").sort("name");
        let result = all_pages(query, |q| {
            let client = client.clone();
            async move { client.list_users(&q).await }
        })
        .await;
        users.try_set(Some(result.map_err(|e| Key::for_error(&e))));
    });
    let current = ctx.complaint.with_untracked(|c| c.as_ref().and_then(|c| c.assignee_id));
    let me = ctx.session.my_id();
    let give = move |to: Option<Uuid>| ctx.run(Move::Assign(AssignComplaint { assignee_id: Some(to) }));
    let row = move |to: Option<Uuid>, name: String, note: Option<Key>, testid: &'static str| {
        let mark = to.map_or_else(|| "–".to_owned(), |_| initial(&name));
        let here = to == current;
        view! {
            <li>
                <button
                    type="button"
                    class="pick-option pick-person"
                    data-testid=testid
                    aria-current=here.then_some("true")
                    disabled=move || here || ctx.pending.get()
                    on:click=move |_| give(to)
                >
                    <span class="avatar" aria-hidden="true">{mark}</span>
                    <span class="pick-option-name">{name}</span>
                    {note.map(|k| view! { <span class="badge badge-muted">{tr(k)}</span> })}
                </button>
            </li>
        }
    };
    let i18n = use_i18n();
    dynamic(move || match users.get() {
        None => view! { <Loading testid="assign-loading" /> }.into_any(),
        Some(Err(key)) => view! { <p class="field-error">{tr(key)}</p> }.into_any(),
        Some(Ok(list)) => {
            let lang = i18n.lang();
            let mine = list
                .iter()
                .find(|u| Some(u.id) == me)
                .map(|u| row(Some(u.id), u.name.clone(), Some(Key::OwnerYou), "assign-me").into_any());
            let queue = current
                .is_some()
                .then(|| row(None, lang.text(Key::ToQueue).to_owned(), None, "assign-queue").into_any());
            let others = list
                .into_iter()
                .filter(|u| Some(u.id) != me)
                .map(|u| row(Some(u.id), u.name, None, "assign-user").into_any())
                .collect_view();
            view! { <ul class="pick-options" data-testid="assign-list">{mine}{queue}{others}</ul> }.into_any()
        }
    })
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_of_complaints_have_words_of_their_own() {
        assert_eq!(refusal(Some(ErrorCode::ReopenWindowClosed)), Some((Key::ErrReopenWindowClosed, false)));
        assert_eq!(refusal(Some(ErrorCode::InvalidStateTransition)), Some((Key::ErrComplaintMoved, true)));
        assert_eq!(refusal(Some(ErrorCode::PreconditionFailed)), Some((Key::ErrComplaintChanged, true)));
        assert_eq!(refusal(Some(ErrorCode::ValidationFailed)), None);
        assert_eq!(refusal(None), None);
    }
}
