//! Logging what happened with a customer, in three taps on a phone: open the sheet, pick what it
//! was (the subject is filled in with its name), save. A note and, for a task, a due time are
//! there for whoever wants them.

use kehu_core::activity::{Activity, ActivityKind, CreateActivity};
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::components::form::{CreateKey, FieldErrors, FieldSpec, FormAlert, Input, SubmitButton, write_error};
use crate::components::icons::{Icon, icon};
use crate::components::states::dynamic;
use crate::components::time;
use crate::i18n::{Key, activity_key, tr, use_i18n};
use crate::pages::customers::timeline::activity_icon;
use crate::session::use_session;

/// The kinds offered, most common first: what a rep does all day, then the rest.
const KINDS: [ActivityKind; 6] = [
    ActivityKind::Call,
    ActivityKind::Visit,
    ActivityKind::Note,
    ActivityKind::Task,
    ActivityKind::Meeting,
    ActivityKind::Email,
];

#[component]
pub fn LogSheet(customer: Uuid, open: RwSignal<bool>, on_saved: Callback<Activity>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let sheet = NodeRef::<html::Div>::new();
    let kind = RwSignal::new(None::<ActivityKind>);
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let form_error = RwSignal::new(None::<Key>);
    let pending = RwSignal::new(false);
    let key = CreateKey::new();
    let close = move || {
        if !pending.get_untracked() {
            open.set(false);
        }
    };

    // Focus moves into the sheet, so a screen reader announces it and Escape reaches it; not into
    // a field, which would raise a phone's keyboard over the Save button.
    Effect::new(move |_| {
        kind.track();
        if let Some(el) = sheet.get() {
            let _ = el.focus();
        }
    });

    let pick = move |k: ActivityKind| {
        subject.set(i18n.t(activity_key(k)).to_owned());
        due.set(if k == ActivityKind::Task { time::local_input(time::tomorrow_morning()) } else { String::new() });
        errors.set(Vec::new());
        form_error.set(None);
        kind.set(Some(k));
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(k) = kind.get_untracked() else { return };
        if pending.get_untracked() {
            return;
        }
        let text = subject.get_untracked().trim().to_owned();
        let mut problems = Vec::new();
        if text.is_empty() {
            problems.push(("/subject".to_owned(), Key::ErrRequired));
        }
        let due_at = time::parse_local_input(&due.get_untracked());
        if k == ActivityKind::Task && due_at.is_none() {
            problems.push(("/due_at".to_owned(), Key::ErrRequired));
        }
        if !problems.is_empty() {
            errors.set(problems);
            form_error.set(Some(Key::ErrCheckFields));
            return;
        }
        let note = body.get_untracked().trim().to_owned();
        let request = CreateActivity {
            body: (!note.is_empty()).then_some(note),
            due_at: due_at.filter(|_| k == ActivityKind::Task),
            ..CreateActivity::new(k, text, customer)
        };
        pending.set(true);
        form_error.set(None);
        let client = session.client();
        spawn_local(async move {
            let result = client.create_activity(&request, &key.options()).await;
            key.settle(&result);
            pending.try_set(false);
            match result {
                Ok(activity) => {
                    on_saved.run(activity);
                    open.try_set(false);
                }
                Err(e) => {
                    let (fields, key) = write_error(&e);
                    errors.set(fields);
                    form_error.set(Some(key));
                }
            }
        });
    };

    let choices = move || {
        let buttons = KINDS
            .into_iter()
            .map(|k| {
                view! {
                    <button
                        type="button"
                        class="kind-choice"
                        data-kind=k.as_str()
                        data-testid=format!("log-kind-{}", k.as_str())
                        on:click=move |_| pick(k)
                    >
                        <span class="kind-icon">{icon(activity_icon(k))}</span>
                        <span>{tr(activity_key(k))}</span>
                    </button>
                }
            })
            .collect_view();
        view! { <div class="kind-grid">{buttons}</div> }
    };
    let form = move |k: ActivityKind| {
        let fields = [
            Some(FieldSpec::text(Key::SubjectLabel, "log-subject", "/subject", subject)),
            (k == ActivityKind::Task)
                .then(|| FieldSpec::text(Key::DueLabel, "log-due", "/due_at", due).input(Input::DateTime)),
            Some(FieldSpec::text(Key::NoteLabel, "log-body", "/body", body).area().optional(true)),
        ];
        view! {
            <form class="form" novalidate on:submit=on_submit data-testid="log-form">
                <FormAlert error=form_error errors=errors testid="log-error" />
                <div class="log-kind">
                    <span class="kind-icon" data-kind=k.as_str()>{icon(activity_icon(k))}</span>
                    <strong>{tr(activity_key(k))}</strong>
                    <button
                        type="button"
                        class="btn btn-sm btn-ghost"
                        data-testid="log-change-kind"
                        on:click=move |_| kind.set(None)
                    >
                        {tr(Key::ChangeKind)}
                    </button>
                </div>
                {fields.into_iter().flatten().map(|f| f.view(errors, None)).collect_view()}
                <div class="form-actions">
                    <SubmitButton label=Key::Save busy_label=Key::Saving pending=pending testid="log-save" />
                </div>
            </form>
        }
    };

    view! {
        <div class="sheet-backdrop" on:click=move |_| close()></div>
        <div
            class="sheet"
            role="dialog"
            aria-modal="true"
            aria-labelledby="log-title"
            tabindex="-1"
            node_ref=sheet
            data-testid="log-sheet"
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    close();
                }
            }
        >
            <div class="sheet-head">
                <h2 class="sheet-title" id="log-title">{tr(Key::LogTitle)}</h2>
                <button
                    type="button"
                    class="btn btn-ghost btn-icon"
                    data-testid="log-close"
                    aria-label=tr(Key::Close)
                    on:click=move |_| close()
                >
                    {icon(Icon::Close)}
                </button>
            </div>
            {dynamic(move || match kind.get() {
                None => choices().into_any(),
                Some(k) => form(k).into_any(),
            })}
        </div>
    }
}
