//! A complaint's timeline: its comments and the history of its changes (status, assignee,
//! priority, escalation) in the order they happened, with a box to add a comment at the end, where
//! the eye is after reading.

use chrono::{DateTime, Utc};
use kehu_client::ListQuery;
use kehu_core::audit::{AuditAction, AuditEvent};
use kehu_core::complaint::{Comment, ComplaintStatus, CreateComment, Priority};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::components::form::{CreateKey, FieldErrors, FieldSpec, FormAlert, SubmitButton, mark_checked, write_error};
use crate::components::icons::{Icon, icon};
use crate::components::states::{LoadFailed, Loading, dynamic, live};
use crate::components::time;
use crate::data::{People, all_pages, use_people};
use crate::i18n::{I18n, Key, tr, use_i18n};
use crate::pages::complaints::parts::{priority_key, status_key};
use crate::session::use_session;

enum Entry {
    Comment(Comment),
    /// A change, with what it did in words.
    Event(AuditEvent, String),
}

impl Entry {
    fn at(&self) -> DateTime<Utc> {
        match self {
            Entry::Comment(c) => c.created_at,
            Entry::Event(e, _) => e.created_at,
        }
    }
}

type Read = Option<Result<(Vec<Comment>, Vec<AuditEvent>), Key>>;

/// What one change did, in words: "Open → Acknowledged · Assigned to Li Na"; `None` for a change
/// only of what follows from others (deadlines, the first response a comment counts as), which
/// the reader learns from the comment or the status itself.
fn describe(i18n: I18n, people: People, event: &AuditEvent) -> Option<String> {
    if event.action == AuditAction::Create {
        return Some(i18n.t(Key::HistCreated).to_owned());
    }
    let text = |v: &serde_json::Value| v.as_str().map(str::to_owned);
    let status = |v: &serde_json::Value| {
        text(v).and_then(|s| ComplaintStatus::parse(&s)).map_or_else(String::new, |s| i18n.t(status_key(s)).to_owned())
    };
    let priority = |v: &serde_json::Value| {
        text(v).and_then(|s| Priority::parse(&s)).map_or_else(String::new, |p| i18n.t(priority_key(p)).to_owned())
    };
    // The status first, as it says most; the rest in the order a reader asks about them.
    let mut parts: Vec<(u8, String)> = Vec::new();
    let mut edited = false;
    for c in &event.changes {
        match c.field.as_str() {
            "status" => parts.push((
                0,
                i18n.t(Key::HistStatus).replace("{from}", &status(&c.before)).replace("{to}", &status(&c.after)),
            )),
            "assignee_id" => parts.push((
                1,
                match text(&c.after).and_then(|s| Uuid::parse_str(&s).ok()) {
                    Some(id) => i18n.t(Key::HistAssigned).replace("{name}", &people.name(id).unwrap_or_default()),
                    None => i18n.t(Key::HistQueued).to_owned(),
                },
            )),
            "priority" => parts.push((
                2,
                i18n.t(Key::HistPriority).replace("{from}", &priority(&c.before)).replace("{to}", &priority(&c.after)),
            )),
            "escalation_level" => parts.push((3, i18n.t(Key::HistEscalated).to_owned())),
            "subject" | "description" | "category" | "channel" | "contact_id" | "purchase_id" => edited = true,
            _ => {}
        }
    }
    if edited {
        parts.push((4, i18n.t(Key::HistChanged).to_owned()));
    }
    parts.sort_by_key(|(rank, _)| *rank);
    let parts: Vec<String> = parts.into_iter().map(|(_, text)| text).collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

#[component]
pub fn Timeline(
    id: Uuid,
    /// Changes whenever the complaint did, to read its history again.
    changed: RwSignal<u64>,
    /// Runs after a comment is added: the first comment counts as the first response.
    on_comment: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let people = use_people();
    let read = RwSignal::new(None::<Result<(Vec<Comment>, Vec<AuditEvent>), Key>>);
    let load = move || {
        let client = session.client();
        spawn_local(async move {
            let comments = all_pages(ListQuery::new(), |q| {
                let client = client.clone();
                async move { client.list_complaint_comments(&id.to_string(), &q).await }
            })
            .await;
            let history = ListQuery::new().param("entity", "complaint").param("entity_id", id.to_string());
            let events = all_pages(history, |q| {
                let client = client.clone();
                async move { client.list_audit_events(&q).await }
            })
            .await;
            let result = match (comments, events) {
                (Ok(c), Ok(e)) => Ok((c, e)),
                // The history is a nicety beside the comments, which are what people wrote.
                (Ok(c), Err(_)) => Ok((c, Vec::new())),
                (Err(e), _) => Err(Key::for_error(&e)),
            };
            read.try_set(Some(result));
        });
    };
    Effect::new(move |_| {
        changed.track();
        load();
    });

    let list = dynamic(move || {
        let state: Read = read.get();
        match state {
            None => view! { <Loading testid="complaint-timeline-loading" /> }.into_any(),
            Some(Err(key)) => {
                view! { <LoadFailed error=key retry=Callback::new(move |()| load()) testid="complaint-timeline-error" /> }
                    .into_any()
            }
            Some(Ok((comments, events))) => {
                let mut entries: Vec<Entry> = comments
                    .into_iter()
                    .map(Entry::Comment)
                    .chain(events.into_iter().filter_map(|e| {
                        describe(i18n, people, &e).map(|what| Entry::Event(e, what))
                    }))
                    .collect();
                entries.sort_by_key(Entry::at);
                if entries.is_empty() {
                    return view! { <p class="muted-line">{tr(Key::CommentsEmpty)}</p> }.into_any();
                }
                let items = entries
                    .into_iter()
                    .map(|entry| match entry {
                        Entry::Comment(c) => {
                            let author = c.author_id;
                            let who = live(move || author.and_then(|a| people.name(a)).unwrap_or_default());
                            let at = c.created_at;
                            let when = live(move || time::relative(at, i18n.lang()));
                            view! {
                                <li class="tl-item" data-kind="comment" data-testid="complaint-comment">
                                    <span class="tl-icon" aria-hidden="true">{icon(Icon::Note)}</span>
                                    <div class="tl-body">
                                        <p class="cp-comment">{c.body}</p>
                                        <p class="tl-meta">
                                            <span>{who}</span>
                                            <span>{when}</span>
                                        </p>
                                    </div>
                                </li>
                            }
                            .into_any()
                        }
                        Entry::Event(e, what) => {
                            let actor = e.actor_id;
                            let who = live(move || match actor {
                                Some(a) => people.name(a).unwrap_or_default(),
                                None => i18n.t(Key::SystemActor).to_owned(),
                            });
                            let at = e.created_at;
                            let when = live(move || time::relative(at, i18n.lang()));
                            view! {
                                <li class="tl-item" data-kind="change" data-testid="complaint-event">
                                    <span class="tl-icon" aria-hidden="true">{icon(Icon::Clock)}</span>
                                    <div class="tl-body">
                                        <p class="cp-change">{what}</p>
                                        <p class="tl-meta">
                                            <span>{who}</span>
                                            <span>{when}</span>
                                        </p>
                                    </div>
                                </li>
                            }
                            .into_any()
                        }
                    })
                    .collect_view();
                view! { <ol class="timeline" data-testid="complaint-timeline">{items}</ol> }.into_any()
            }
        }
    });

    let body = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let form_error = RwSignal::new(None::<Key>);
    let pending = RwSignal::new(false);
    let key = CreateKey::new();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let comment = CreateComment { body: body.get_untracked().trim().to_owned() };
        if !mark_checked(errors, form_error, pending, Vec::new(), comment.check()) {
            return;
        }
        let client = session.client();
        spawn_local(async move {
            let result = client.add_complaint_comment(&id.to_string(), &comment, &key.options()).await;
            key.settle(&result);
            pending.try_set(false);
            match result {
                Ok(_) => {
                    body.set(String::new());
                    on_comment.run(());
                }
                Err(e) => {
                    let (fields, k) = write_error(&e);
                    errors.set(fields);
                    form_error.set(Some(k));
                }
            }
        });
    };
    let field = FieldSpec::text(Key::AddCommentLabel, "comment-body", "/body", body)
        .area()
        .placeholder(Key::CommentPlaceholder);
    view! {
        {list}
        <form class="form cp-comment-form" novalidate on:submit=on_submit data-testid="comment-form">
            <FormAlert error=form_error errors=errors testid="comment-error" />
            {field.view(errors, None)}
            <div class="form-actions">
                <SubmitButton label=Key::AddComment busy_label=Key::Saving pending=pending testid="comment-submit" />
            </div>
        </form>
    }
}
