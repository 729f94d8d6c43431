//! `/import`: a CSV file of customers or contacts, checked first (a dry run that writes nothing and
//! reports every bad row and column), then imported, with the job's progress as it runs.

use std::time::Duration;

use kehu_core::ErrorCode;
use kehu_core::import::{Import, ImportPhase, ImportResource, ImportStatus, RowError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;

use crate::components::form::field_error_key;
use crate::components::icons::{Icon, icon};
use crate::components::money::group_digits;
use crate::components::states::{NotAllowed, PageHead, dynamic, live};
use crate::i18n::{I18n, Key, tr, use_i18n};
use crate::routes::{AppRoute, Link};
use crate::session::use_session;

/// How often a running job is asked for its progress.
const POLL: Duration = Duration::from_millis(700);
/// Bad rows listed on the page; the count covers all of them.
const SHOWN_ERRORS: usize = 200;

/// The columns a file may have, in the order a template lists them.
const CUSTOMER_COLUMNS: &str = "external_id,name,kind,level,lifecycle_stage,source,phone,email,website,\
address.province,address.city,address.street,address.postcode,tax_id,tags";
const CONTACT_COLUMNS: &str = "customer_external_id,name,title,department,mobile,phone,email,birthday,\
preferred_channel,is_primary,notes";

/// The chosen file, read into memory once: the dry run and the import send the same bytes.
#[derive(Clone)]
struct Chosen {
    name: String,
    bytes: Vec<u8>,
    /// Lines after the header: the job's row count, unless a quoted field spans lines.
    rows: u64,
}

#[derive(Clone, PartialEq)]
enum Step {
    Choose,
    /// Reading the file from the device, or sending it.
    Sending {
        dry_run: bool,
    },
    Running(Import),
    Finished(Import),
    /// The job could not be started or followed.
    Failed(Key),
}

/// Handles `/import`.
#[component]
pub fn ImportPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    dynamic(move || {
        if !session.works_customers() {
            return view! { <NotAllowed /> }.into_any();
        }
        view! {
            <div class="page page-narrow">
                <PageHead
                    title=Signal::derive(move || i18n.t(Key::ImportTitle).to_owned())
                    lede=Key::ImportLede
                    back=(AppRoute::Customers, Key::NavCustomers)
                />
                <Wizard />
            </div>
        }
        .into_any()
    })
}

#[component]
fn Wizard() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let resource = RwSignal::new(ImportResource::Customers);
    let chosen = RwSignal::new(None::<Chosen>);
    let step = RwSignal::new(Step::Choose);
    let input = NodeRef::<leptos::html::Input>::new();
    // Stops the polling when the page is left.
    let alive = StoredValue::new(true);
    on_cleanup(move || alive.set_value(false));

    let follow = move |id: String| {
        fn tick(id: String, step: RwSignal<Step>, alive: StoredValue<bool>, session: crate::session::Session) {
            let client = session.client();
            spawn_local(async move {
                if !alive.try_get_value().unwrap_or(false) {
                    return;
                }
                match client.get_import(&id).await {
                    Ok(job) if matches!(job.status, ImportStatus::Queued | ImportStatus::Running) => {
                        step.try_set(Step::Running(job));
                        set_timeout(move || tick(id, step, alive, session), POLL);
                    }
                    Ok(job) => {
                        step.try_set(Step::Finished(job));
                    }
                    Err(e) => {
                        step.try_set(Step::Failed(Key::for_error(&e)));
                    }
                }
            });
        }
        tick(id, step, alive, session);
    };

    let start = move |dry_run: bool| {
        let Some(file) = chosen.get_untracked() else { return };
        step.set(Step::Sending { dry_run });
        let client = session.client();
        let what = resource.get_untracked();
        spawn_local(async move {
            match client.start_import(what, dry_run, file.bytes).await {
                Ok(job) => {
                    let id = job.id.to_string();
                    step.try_set(Step::Running(job));
                    follow(id);
                }
                Err(e) => {
                    let key = if e.code() == Some(ErrorCode::PayloadTooLarge) {
                        Key::ImportTooLarge
                    } else {
                        Key::for_error(&e)
                    };
                    step.try_set(Step::Failed(key));
                }
            }
        });
    };

    let on_file = move |_| {
        let Some(el) = input.get() else { return };
        let el: &HtmlInputElement = el.unchecked_ref();
        let Some(file) = el.files().and_then(|files| files.get(0)) else { return };
        step.set(Step::Sending { dry_run: true });
        chosen.set(None);
        spawn_local(async move {
            let name = file.name();
            match JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => {
                    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                    let rows = count_rows(&bytes);
                    chosen.try_set(Some(Chosen { name, bytes, rows }));
                    step.try_set(Step::Choose);
                }
                Err(_) => {
                    step.try_set(Step::Failed(Key::ImportUnreadable));
                }
            }
        });
    };
    let again = move || {
        chosen.set(None);
        step.set(Step::Choose);
        if let Some(el) = input.get_untracked() {
            let el: &HtmlInputElement = el.unchecked_ref();
            el.set_value("");
        }
    };

    let kind_button = move |value: ImportResource, label: Key| {
        view! {
            <button
                type="button"
                class="segment"
                data-testid=format!("import-resource-{}", value.as_str())
                aria-pressed=move || (resource.get() == value).to_string()
                disabled=move || !matches!(step.get(), Step::Choose)
                on:click=move |_| resource.set(value)
            >
                {tr(label)}
            </button>
        }
    };
    let template = move || {
        let columns = match resource.get() {
            ImportResource::Customers => CUSTOMER_COLUMNS,
            ImportResource::Contacts => CONTACT_COLUMNS,
        };
        format!("data:text/csv;charset=utf-8,{}%0A", columns.replace(',', "%2C"))
    };
    let template_name = move || format!("kehu-{}-template.csv", resource.get().as_str());

    let body = dynamic(move || match step.get() {
        Step::Choose => choose_view(i18n, chosen, start).into_any(),
        Step::Sending { dry_run } => progress_view(
            i18n,
            if dry_run { Key::ImportReading } else { Key::ImportSending },
            None,
            chosen.with_untracked(|c| c.as_ref().map_or(0, |c| c.rows)),
        )
        .into_any(),
        // The rows are written in one transaction that reports no count: the bar runs without one.
        Step::Running(job) => progress_view(
            i18n,
            match job.phase {
                ImportPhase::Writing => Key::ImportWriting,
                _ if job.dry_run => Key::ImportChecking,
                _ => Key::ImportCheckingFirst,
            },
            (job.phase != ImportPhase::Writing).then_some(job.processed_rows),
            chosen.with_untracked(|c| c.as_ref().map_or(0, |c| c.rows)),
        )
        .into_any(),
        Step::Finished(job) => result_view(i18n, job, start, again).into_any(),
        Step::Failed(key) => view! {
            <div class="alert alert-error" role="alert" data-testid="import-failed">
                {icon(Icon::Alert)}
                <div class="import-body">
                    <p>{tr(key)}</p>
                    <button type="button" class="btn btn-ghost" on:click=move |_| again()>
                        {tr(Key::ImportChooseAnother)}
                    </button>
                </div>
            </div>
        }
        .into_any(),
    });

    view! {
        <section class="card import" data-testid="import">
            <div class="segmented" role="group" aria-label=tr(Key::ImportWhat)>
                {kind_button(ImportResource::Customers, Key::ResCustomers)}
                {kind_button(ImportResource::Contacts, Key::ResContacts)}
            </div>
            <label class="file-pick" hidden=move || !matches!(step.get(), Step::Choose)>
                {icon(Icon::Upload)}
                <span>{move || chosen.with(|c| c.as_ref().map_or_else(|| i18n.t(Key::ImportPickFile).to_owned(), |c| c.name.clone()))}</span>
                <input
                    type="file"
                    accept=".csv,text/csv"
                    node_ref=input
                    data-testid="import-file"
                    on:change=on_file
                />
            </label>
            <p class="hint">
                {tr(Key::ImportHint)} " "
                <a href=template download=template_name data-testid="import-template">
                    {tr(Key::ImportTemplate)}
                </a>
            </p>
            {body}
        </section>
    }
}

/// What can be done with the chosen file: check it first.
fn choose_view(
    i18n: I18n,
    chosen: RwSignal<Option<Chosen>>,
    start: impl Fn(bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    dynamic(move || {
        let Some(file) = chosen.get() else { return ().into_any() };
        let rows = live(move || i18n.t(Key::ImportAboutRows).replace("{n}", &group(file.rows as i64)));
        view! {
            <div class="import-chosen">
                <p class="import-size" data-testid="import-rows">{rows}</p>
                <button type="button" class="btn btn-primary" data-testid="import-check" on:click=move |_| start(true)>
                    {tr(Key::ImportCheck)}
                </button>
            </div>
        }
        .into_any()
    })
}

/// A bar that fills as rows are checked; `done` is `None` before the server has counted any.
fn progress_view(i18n: I18n, label: Key, done: Option<i64>, total: u64) -> impl IntoView {
    let total = total.max(1) as i64;
    let percent = done.map(|d| (d.min(total) * 100 / total).clamp(0, 100));
    let counted =
        done.map(|d| i18n.t(Key::ImportProgressRows).replace("{done}", &group(d)).replace("{total}", &group(total)));
    view! {
        <div class="import-progress" role="status" aria-live="polite" data-testid="import-progress">
            <p class="import-phase">
                <span class="spinner" aria-hidden="true"></span>
                <span>{tr(label)}</span>
            </p>
            <div
                class="progress"
                role="progressbar"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=percent.map(|p| p.to_string())
            >
                <span class="progress-bar" class:progress-unknown=percent.is_none() style=percent.map(|p| format!("width: {p}%"))></span>
            </div>
            {counted.map(|c| view! { <p class="hint">{c}</p> })}
        </div>
    }
}

/// The job's outcome: a clean dry run offers the import; bad rows are listed by row and column.
fn result_view(
    i18n: I18n,
    job: Import,
    start: impl Fn(bool) + Copy + Send + Sync + 'static,
    again: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let rows = group(job.processed_rows);
    let choose_another = move || {
        view! {
            <button type="button" class="btn btn-ghost" data-testid="import-again" on:click=move |_| again()>
                {tr(Key::ImportChooseAnother)}
            </button>
        }
    };
    if job.status == ImportStatus::Succeeded && job.error_count == 0 {
        if job.dry_run {
            let text = i18n.t(Key::ImportCheckedOk).replace("{n}", &rows);
            let button = i18n.t(Key::ImportCommit).replace("{n}", &rows);
            return view! {
                <div class="alert alert-success" role="status" data-testid="import-checked">
                    {icon(Icon::Check)}
                    <div class="import-body">
                        <p>{text}</p>
                        <div class="import-actions">
                            <button type="button" class="btn btn-primary" data-testid="import-commit" on:click=move |_| start(false)>
                                {button}
                            </button>
                            {choose_another()}
                        </div>
                    </div>
                </div>
            }
            .into_any();
        }
        let text = i18n
            .t(Key::ImportDone)
            .replace("{created}", &group(job.created_rows))
            .replace("{updated}", &group(job.updated_rows));
        return view! {
            <div class="alert alert-success" role="status" data-testid="import-done">
                {icon(Icon::Check)}
                <div class="import-body">
                    <p>{text}</p>
                    <div class="import-actions">
                        <Link route=AppRoute::Customers class="btn btn-primary" testid="import-to-customers">
                            {tr(Key::NavCustomers)}
                        </Link>
                        {choose_another()}
                    </div>
                </div>
            </div>
        }
        .into_any();
    }
    // Bad rows, or a job that failed as a whole (its message says why); nothing was written.
    let summary = if job.error_count > 0 {
        i18n.t(Key::ImportBadRows).replace("{bad}", &group(job.error_count)).replace("{n}", &rows)
    } else {
        i18n.t(Key::ImportFailed).to_owned()
    };
    // The server's reason is in English; it helps whoever is asked to look, so it is kept, smaller.
    let reason = (job.error_count == 0).then(|| job.message.clone()).flatten();
    let more = (job.errors.len() > SHOWN_ERRORS || job.error_count as usize > job.errors.len()).then(|| {
        let shown = job.errors.len().min(SHOWN_ERRORS) as i64;
        i18n.t(Key::ImportMoreErrors).replace("{shown}", &group(shown))
    });
    let table = (!job.errors.is_empty()).then(|| {
        let lines = job.errors.into_iter().take(SHOWN_ERRORS).map(|e| error_row(i18n, e)).collect_view();
        view! {
            <div class="table-wrap">
                <table class="table" data-testid="import-errors">
                    <thead>
                        <tr>
                            <th scope="col">{tr(Key::ImportRow)}</th>
                            <th scope="col">{tr(Key::ImportColumn)}</th>
                            <th scope="col">{tr(Key::ImportProblem)}</th>
                        </tr>
                    </thead>
                    <tbody>{lines}</tbody>
                </table>
            </div>
        }
    });
    view! {
        <div class="import-report" data-testid="import-report">
            <div class="alert alert-error" role="alert">
                {icon(Icon::Alert)}
                <div class="import-body">
                    <p>{summary}</p>
                    {reason.map(|r| view! { <p class="hint">{r}</p> })}
                </div>
            </div>
            {table}
            {more.map(|m| view! { <p class="hint">{m}</p> })}
            <div class="import-actions">{choose_another()}</div>
        </div>
    }
    .into_any()
}

fn error_row(i18n: I18n, e: RowError) -> impl IntoView {
    let column = e.column.clone().unwrap_or_default();
    let key = match e.code.as_str() {
        // In a file, a value that names nothing is a reference to a record that is not there.
        "not_found" => Key::ImportNotFound,
        code => field_error_key(&format!("/{column}"), code),
    };
    // The server's words add what the app's own message cannot know, such as the allowed values.
    let detail = matches!(key, Key::ErrInvalidValue | Key::ImportNotFound).then(|| e.detail.clone());
    view! {
        <tr data-testid="import-error">
            <td class="num">{e.row}</td>
            <td><code>{column}</code></td>
            <td>
                {i18n.t(key)}
                {detail.map(|d| view! { <span class="import-detail">{d}</span> })}
            </td>
        </tr>
    }
}

/// Lines after the header, not counting a last empty one.
fn count_rows(bytes: &[u8]) -> u64 {
    let lines = bytes.split(|b| *b == b'\n').filter(|line| !line.iter().all(|b| b.is_ascii_whitespace())).count();
    lines.saturating_sub(1) as u64
}

/// A count with its thousands grouped, as both languages write it: 100,000.
fn group(n: i64) -> String {
    let out = group_digits(&n.unsigned_abs().to_string());
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_lines_after_the_header() {
        assert_eq!(count_rows(b"name\nA\nB\n"), 2);
        assert_eq!(count_rows(b"name\r\nA\r\nB"), 2);
        assert_eq!(count_rows(b"name\n\n"), 0);
        assert_eq!(count_rows(b""), 0);
    }
}
