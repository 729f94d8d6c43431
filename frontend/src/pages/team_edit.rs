use kehu_client::{Client, ClientError, WriteOptions};
use kehu_core::ErrorCode;
use kehu_core::team::{CreateTeam, Team, UpdateTeam};
use kehu_core::user::User;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::components::dialog::confirm;
use crate::components::form::{Choice, FieldErrors, FieldSpec, FormAlert, SubmitButton, check_errors, write_error};
use crate::components::notice::{Notice, use_notices};
use crate::components::states::{AdminOnly, LoadFailed, Loading, PageHead};
use crate::data::{load_directory, tree_order};
use crate::i18n::{Key, tr, use_i18n};
use crate::routes::{AppRoute, Link, use_router};
use crate::session::use_session;

/// Handles `/teams/new`.
#[component]
pub fn NewTeamPage() -> impl IntoView {
    view! {
        <AdminOnly>
            <TeamEditor id=None />
        </AdminOnly>
    }
}

/// Handles `/teams/{id}`.
#[component]
pub fn TeamPage(id: Uuid) -> impl IntoView {
    view! {
        <AdminOnly>
            <TeamEditor id=Some(id) />
        </AdminOnly>
    }
}

#[component]
fn TeamEditor(id: Option<Uuid>) -> impl IntoView {
    let i18n = use_i18n();
    // Users to pick a manager from; the team itself comes from the same read.
    let (data, reload) = load_directory(true);
    let name = move || {
        data.with(|d| d.as_ref().and_then(|r| r.as_ref().ok()).and_then(|d| d.team(id?)).map(|t| t.name.clone()))
    };
    let title = move || {
        name().unwrap_or_else(|| i18n.t(if id.is_none() { Key::NewTeamTitle } else { Key::EditTeamTitle }).to_owned())
    };
    view! {
        <div class="page page-narrow">
            <PageHead title=Signal::derive(title) back=(AppRoute::Teams, Key::NavTeams) />
            {move || match data.get() {
                None => view! { <Loading testid="team-loading" /> }.into_any(),
                Some(Err(e)) => view! { <LoadFailed error=Key::for_error(&e) retry=reload testid="team-load-error" /> }.into_any(),
                Some(Ok(directory)) => {
                    match id.map(|id| directory.team(id).cloned()) {
                        Some(None) => view! { <LoadFailed error=Key::TeamNotFound retry=reload testid="team-load-error" /> }.into_any(),
                        found => {
                            view! { <TeamForm team=found.flatten() teams=directory.teams users=directory.users /> }
                                .into_any()
                        }
                    }
                }
            }}
        </div>
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Checked {
    name: String,
    parent_id: Option<Uuid>,
    manager_id: Option<Uuid>,
}

fn pick(value: &str) -> Option<Uuid> {
    Uuid::parse_str(value).ok()
}

/// A merge patch of only what changed.
fn changes(team: &Team, c: Checked) -> UpdateTeam {
    UpdateTeam {
        name: (c.name != team.name).then_some(c.name),
        parent_id: (c.parent_id != team.parent_id).then_some(c.parent_id),
        manager_id: (c.manager_id != team.manager_id).then_some(c.manager_id),
    }
}

#[component]
fn TeamForm(team: Option<Team>, teams: Vec<Team>, users: Vec<User>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let router = use_router();
    let notices = use_notices();
    let creating = team.is_none();

    let id_of = |id: Option<Uuid>| id.map(|id| id.to_string()).unwrap_or_default();
    let name = RwSignal::new(team.as_ref().map(|t| t.name.clone()).unwrap_or_default());
    let parent = RwSignal::new(id_of(team.as_ref().and_then(|t| t.parent_id)));
    let manager = RwSignal::new(id_of(team.as_ref().and_then(|t| t.manager_id)));
    let errors = FieldErrors::new();
    let form_error = RwSignal::new(None::<Key>);
    let pending = RwSignal::new(false);

    // A team cannot sit inside itself; deeper loops the server refuses with a message.
    let this = team.as_ref().map(|t| t.id);
    let parent_choices = std::iter::once(Choice::key("", Key::TopLevel))
        .chain(
            tree_order(&teams)
                .into_iter()
                .filter(|(_, t)| Some(t.id) != this)
                .map(|(depth, t)| Choice::text(t.id.to_string(), format!("{}{}", "\u{2003}".repeat(depth), t.name))),
        )
        .collect();
    // Deactivated users cannot manage a team, except the one who already does.
    let current_manager = team.as_ref().and_then(|t| t.manager_id);
    let manager_choices = std::iter::once(Choice::key("", Key::NoManager))
        .chain(
            users
                .iter()
                .filter(|u| u.active || Some(u.id) == current_manager)
                .map(|u| Choice::text(u.id.to_string(), format!("{} · {}", u.name, u.email))),
        )
        .collect();
    let team = StoredValue::new(team);

    // Every write of this form ends the same way: back to the list, which says what happened.
    let send = move |write: Write| {
        let client = session.client();
        pending.set(true);
        form_error.set(None);
        spawn_local(async move {
            let (name, result) = write.send(&client).await;
            pending.try_set(false);
            match result {
                Ok(key) => {
                    notices.push(Notice::new(key, name));
                    router.go(AppRoute::Teams);
                }
                Err(e) => {
                    let (fields, key) = write_error(&e);
                    // The one conflict without a field: deleting a team that still has people.
                    let key = if e.code() == Some(ErrorCode::Conflict) && fields.is_empty() {
                        Key::ErrTeamInUse
                    } else {
                        key
                    };
                    errors.set(fields);
                    form_error.set(Some(key));
                }
            }
        });
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let (parent_id, manager_id) = (pick(&parent.get_untracked()), pick(&manager.get_untracked()));
        let body = CreateTeam { name: name.get_untracked().trim().to_owned(), parent_id, manager_id };
        // The server's own check of a team (a name, not too long); whether the parent and the
        // manager still exist is the server's to say.
        let found = check_errors(body.check());
        if !found.is_empty() {
            errors.set(found);
            form_error.set(Some(Key::ErrCheckFields));
            return;
        }
        errors.set(Vec::new());
        let checked = Checked { name: body.name, parent_id, manager_id };
        send(match team.get_value() {
            None => Write::Create(checked),
            Some(team) => Write::Update(team, checked),
        });
    };
    let delete = (!creating).then(|| {
        view! {
            <button
                type="button"
                class="btn btn-danger-ghost"
                data-testid="team-delete"
                disabled=move || pending.get()
                on:click=move |_| {
                    let name = team.with_value(|t| t.as_ref().map(|t| t.name.clone()).unwrap_or_default());
                    if confirm(&i18n.t(Key::DeleteTeamBody).replace("{name}", &name)) && let Some(team) = team.get_value() {
                        send(Write::Delete(team));
                    }
                }
            >
                {tr(Key::Delete)}
            </button>
        }
    });

    view! {
        <form class="card form" novalidate on:submit=on_submit data-testid="team-form">
            <FormAlert error=form_error errors=errors testid="team-form-error" />
            {FieldSpec::text(Key::TeamNameLabel, "team-name", "/name", name).view(errors, None)}
            <div class="form-grid">
                {[
                    FieldSpec::select(Key::ParentTeamLabel, "team-parent", "/parent_id", parent, parent_choices)
                        .hint(Key::ParentTeamHint),
                    FieldSpec::select(Key::ManagerLabel, "team-manager", "/manager_id", manager, manager_choices)
                        .hint(Key::ManagerHint),
                ]
                    .into_iter()
                    .map(|f| f.view(errors, None))
                    .collect_view()}
            </div>
            <div class="form-actions">
                {delete}
                <Link route=AppRoute::Teams class="btn btn-ghost" testid="team-cancel">
                    {tr(Key::Cancel)}
                </Link>
                <SubmitButton
                    label=if creating { Key::CreateTeam } else { Key::SaveChanges }
                    busy_label=Key::Saving
                    pending=pending
                    testid="team-submit"
                />
            </div>
        </form>
    }
}

/// A write the team form makes.
enum Write {
    Create(Checked),
    Update(Team, Checked),
    Delete(Team),
}

impl Write {
    /// Sends the write; answers with the team's name and what to tell about it.
    async fn send(self, client: &Client) -> (String, Result<Key, ClientError>) {
        match self {
            Write::Create(c) => {
                let body = CreateTeam { name: c.name.clone(), parent_id: c.parent_id, manager_id: c.manager_id };
                let result = client.create_team(&body, &WriteOptions::default()).await;
                (c.name, result.map(|_| Key::TeamCreated))
            }
            Write::Update(team, c) => {
                let patch = changes(&team, c);
                if patch.name.is_none() && patch.parent_id.is_none() && patch.manager_id.is_none() {
                    return (team.name, Ok(Key::NoChanges));
                }
                let opts = WriteOptions::if_match(team.version);
                let result = client.update_team(&team.id.to_string(), &patch, &opts).await;
                (patch.name.unwrap_or(team.name), result.map(|_| Key::TeamSaved))
            }
            Write::Delete(team) => {
                let opts = WriteOptions::if_match(team.version);
                let result = client.delete_team(&team.id.to_string(), &opts).await;
                (team.name, result.map(|()| Key::TeamDeleted))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_sends_only_what_changed() {
        let when = chrono::DateTime::UNIX_EPOCH;
        let team = Team {
            object: "team".into(),
            id: Uuid::from_u128(1),
            name: "East".into(),
            parent_id: None,
            manager_id: Some(Uuid::from_u128(9)),
            version: 2,
            created_at: when,
            updated_at: when,
            created_by: None,
            updated_by: None,
        };
        let same = Checked { name: "East".into(), parent_id: None, manager_id: Some(Uuid::from_u128(9)) };
        let patch = changes(&team, same.clone());
        assert!(patch.name.is_none() && patch.parent_id.is_none() && patch.manager_id.is_none());
        let patch = changes(&team, Checked { manager_id: None, ..same });
        assert_eq!(patch.manager_id, Some(None));
        assert_eq!(pick(""), None);
    }
}
