use std::str::FromStr;

use kehu_client::{Client, ClientError, WriteOptions};
use kehu_core::ErrorCode;
use kehu_core::team::Team;
use kehu_core::user::{CreateUser, Role, UpdateUser, User};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::components::dialog::confirm;
use crate::components::form::{
    Choice, FieldErrors, FieldSpec, FormAlert, Input, SubmitButton, field_error_key, write_error,
};
use crate::components::notice::{Notice, use_notices};
use crate::components::states::{AdminOnly, LoadFailed, Loading, PageHead};
use crate::data::{load_directory, tree_order};
use crate::i18n::{Key, role_key, tr, use_i18n};
use crate::routes::{AppRoute, Link, use_router};
use crate::session::use_session;

/// Handles `/users/new`.
#[component]
pub fn NewUserPage() -> impl IntoView {
    view! {
        <AdminOnly>
            <UserEditor id=None />
        </AdminOnly>
    }
}

/// Handles `/users/{id}`.
#[component]
pub fn UserPage(id: Uuid) -> impl IntoView {
    view! {
        <AdminOnly>
            <UserEditor id=Some(id) />
        </AdminOnly>
    }
}

#[component]
fn UserEditor(id: Option<Uuid>) -> impl IntoView {
    let i18n = use_i18n();
    // The user comes from the same read as the teams to pick from, so the page waits once.
    let (data, reload) = load_directory(id.is_some());
    let name = move || {
        data.with(|d| d.as_ref().and_then(|r| r.as_ref().ok()).and_then(|d| d.user(id?)).map(|u| u.name.clone()))
    };
    let title = move || {
        name().unwrap_or_else(|| i18n.t(if id.is_none() { Key::NewUserTitle } else { Key::EditUserTitle }).to_owned())
    };
    view! {
        <div class="page page-narrow">
            <PageHead title=Signal::derive(title) back=(AppRoute::Users, Key::NavUsers) />
            {move || match data.get() {
                None => view! { <Loading testid="user-loading" /> }.into_any(),
                Some(Err(e)) => view! { <LoadFailed error=Key::for_error(&e) retry=reload testid="user-load-error" /> }.into_any(),
                Some(Ok(directory)) => {
                    match id.map(|id| directory.user(id).cloned()) {
                        None => view! { <UserForm user=None teams=directory.teams /> }.into_any(),
                        Some(None) => view! { <LoadFailed error=Key::UserNotFound retry=reload testid="user-load-error" /> }.into_any(),
                        Some(Some(user)) => view! { <UserForm user=Some(user) teams=directory.teams /> }.into_any(),
                    }
                }
            }}
        </div>
    }
}

/// What the form holds, as typed.
#[derive(Debug, Clone, Default)]
struct Draft {
    email: String,
    name: String,
    /// `None` when the select held something that is not a role.
    role: Option<Role>,
    password: String,
    team: String,
    discount: String,
    pool_cap: String,
}

/// A draft that passed the checks made before sending.
#[derive(Debug, Clone, PartialEq)]
struct Checked {
    email: String,
    name: String,
    role: Role,
    password: Option<String>,
    team_id: Option<Uuid>,
    discount: Option<Decimal>,
    pool_cap: Option<i32>,
}

type Errors = Vec<(String, Key)>;

/// The form's fields, top to bottom: problems are listed in this order.
const FIELDS: [&str; 7] = ["/email", "/name", "/role", "/password", "/team_id", "/max_discount_percent", "/pool_cap"];

/// The checks the server would make anyway (the shared ones of `kehu-core`), made first so a phone
/// on a slow network gets its answer at once. A new user needs a password; an edit sets one only
/// when it is filled in.
fn check(draft: &Draft, creating: bool) -> Result<Checked, Errors> {
    let email = draft.email.trim().to_owned();
    let name = draft.name.trim().to_owned();
    let password = (!draft.password.is_empty()).then(|| draft.password.clone());
    let team_id = match draft.team.as_str() {
        "" => None,
        id => Uuid::parse_str(id).ok(),
    };
    // What the boxes hold as values; text that is no number at all is the form's own problem.
    let mut errors: Errors = Vec::new();
    let discount = match draft.discount.trim() {
        "" if creating => None,
        "" => {
            errors.push(("/max_discount_percent".to_owned(), Key::ErrRequired));
            None
        }
        text => Decimal::from_str(text)
            .map_err(|_| errors.push(("/max_discount_percent".to_owned(), Key::ErrNotANumber)))
            .ok(),
    };
    let pool_cap = match draft.pool_cap.trim() {
        "" => None,
        text => text.parse::<i32>().map_err(|_| errors.push(("/pool_cap".to_owned(), Key::ErrWholeNumber))).ok(),
    };
    if draft.role.is_none() {
        errors.push(("/role".to_owned(), Key::ErrRequired));
    }
    let found = if creating {
        let role = draft.role.unwrap_or(Role::Sales);
        let password = password.clone().unwrap_or_default();
        let (email, name) = (email.clone(), name.clone());
        CreateUser { email, name, role, password, team_id, locale: None, max_discount_percent: discount, pool_cap }
            .check()
    } else {
        let (email, name) = (Some(email.clone()), Some(name.clone()));
        let pool_cap = Some(pool_cap);
        UpdateUser {
            email,
            name,
            password: password.clone(),
            max_discount_percent: discount,
            pool_cap,
            ..UpdateUser::default()
        }
        .check()
    };
    for e in found.0 {
        let key = match (e.pointer.as_str(), e.code.as_str()) {
            ("/email", _) if email.is_empty() => Key::ErrRequired,
            ("/password", _) if password.is_none() => Key::ErrRequired,
            ("/max_discount_percent", "out_of_range") => Key::ErrPercentRange,
            ("/pool_cap", "out_of_range") => Key::ErrWholeNumber,
            (pointer, code) => field_error_key(pointer, code),
        };
        errors.push((e.pointer, key));
    }
    errors.sort_by_key(|(pointer, _)| FIELDS.iter().position(|f| f == pointer));
    match draft.role {
        Some(role) if errors.is_empty() => Ok(Checked { email, name, role, password, team_id, discount, pool_cap }),
        _ => Err(errors),
    }
}

/// A merge patch of only what changed, so an edit does not overwrite fields it did not touch.
fn changes(user: &User, c: Checked) -> UpdateUser {
    UpdateUser {
        email: (c.email != user.email).then_some(c.email),
        name: (c.name != user.name).then_some(c.name),
        role: (c.role != user.role).then_some(c.role),
        team_id: (c.team_id != user.team_id).then_some(c.team_id),
        max_discount_percent: c.discount.filter(|d| *d != user.max_discount_percent),
        pool_cap: (c.pool_cap != user.pool_cap).then_some(c.pool_cap),
        password: c.password,
        ..UpdateUser::default()
    }
}

fn is_empty(u: &UpdateUser) -> bool {
    u.email.is_none()
        && u.name.is_none()
        && u.role.is_none()
        && u.team_id.is_none()
        && u.max_discount_percent.is_none()
        && u.pool_cap.is_none()
        && u.password.is_none()
        && u.active.is_none()
        && u.locale.is_none()
}

/// A discount as people write it: `10`, not `10.00`.
fn percent(d: Decimal) -> String {
    d.normalize().to_string()
}

#[component]
fn UserForm(
    /// The user being edited, as read when the page opened; `None` to create one.
    user: Option<User>,
    teams: Vec<Team>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let router = use_router();
    let notices = use_notices();
    let creating = user.is_none();

    let start = user.as_ref();
    let text = |f: fn(&User) -> String| RwSignal::new(start.map(f).unwrap_or_default());
    let email = text(|u| u.email.clone());
    let name = text(|u| u.name.clone());
    let role = RwSignal::new(start.map_or(Role::Sales, |u| u.role).as_str().to_owned());
    let password = RwSignal::new(String::new());
    let team = text(|u| u.team_id.map(|t| t.to_string()).unwrap_or_default());
    let discount = text(|u| percent(u.max_discount_percent));
    let pool_cap = text(|u| u.pool_cap.map(|n| n.to_string()).unwrap_or_default());
    let errors = FieldErrors::new();
    let form_error = RwSignal::new(None::<Key>);
    let pending = RwSignal::new(false);
    let user = StoredValue::new(user);

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
                    router.go(AppRoute::Users);
                }
                Err(e) => {
                    let (fields, key) = write_error(&e);
                    // The one conflict without a field: taking away the last administrator.
                    let key = if e.code() == Some(ErrorCode::Conflict) && fields.is_empty() {
                        Key::ErrLastAdmin
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
        let draft = Draft {
            email: email.get_untracked(),
            name: name.get_untracked(),
            role: Role::parse(&role.get_untracked()),
            password: password.get_untracked(),
            team: team.get_untracked(),
            discount: discount.get_untracked(),
            pool_cap: pool_cap.get_untracked(),
        };
        match check(&draft, creating) {
            Ok(checked) => {
                errors.set(Vec::new());
                send(match user.get_value() {
                    None => Write::Create(checked),
                    Some(user) => Write::Update(user, checked),
                });
            }
            Err(fields) => {
                errors.set(fields);
                form_error.set(Some(Key::ErrCheckFields));
            }
        }
    };

    let role_choices = Role::ALL.into_iter().map(|r| Choice::key(r.as_str(), role_key(r))).collect();
    let team_choices = std::iter::once(Choice::key("", Key::NoTeam))
        .chain(
            tree_order(&teams)
                .into_iter()
                .map(|(depth, t)| Choice::text(t.id.to_string(), format!("{}{}", "\u{2003}".repeat(depth), t.name))),
        )
        .collect();

    // Switching a user off or on again; not offered on one's own account, which would lock the
    // administrator out.
    let is_me = user.with_value(|u| u.as_ref().map(|u| Some(u.id) == session.my_id()));
    let active = user.with_value(|u| u.as_ref().is_some_and(|u| u.active));
    let toggle = match is_me {
        Some(false) => Some(view! {
            <button
                type="button"
                class=if active { "btn btn-danger-ghost" } else { "btn btn-ghost" }
                data-testid=if active { "user-deactivate" } else { "user-reactivate" }
                disabled=move || pending.get()
                on:click=move |_| {
                    let name = user.with_value(|u| u.as_ref().map(|u| u.name.clone()).unwrap_or_default());
                    let question = if active { Key::DeactivateBody } else { Key::ReactivateBody };
                    if confirm(&i18n.t(question).replace("{name}", &name)) && let Some(user) = user.get_value() {
                        send(Write::Toggle(user));
                    }
                }
            >
                {tr(if active { Key::Deactivate } else { Key::Reactivate })}
            </button>
        }),
        _ => None,
    };
    view! {
        <form class="card form" novalidate on:submit=on_submit data-testid="user-form">
            <FormAlert error=form_error errors=errors testid="user-form-error" />
            <div class="form-grid">
                {[
                    FieldSpec::text(Key::EmailLabel, "user-email", "/email", email).input(Input::Email),
                    FieldSpec::text(Key::NameLabel, "user-name", "/name", name),
                    FieldSpec::select(Key::RoleLabel, "user-role", "/role", role, role_choices),
                    FieldSpec::select(Key::TeamLabel, "user-team", "/team_id", team, team_choices),
                    FieldSpec::text(Key::DiscountLabel, "user-discount", "/max_discount_percent", discount)
                        .input(Input::Decimal)
                        .hint(Key::DiscountHint)
                        .optional(creating)
                        .suffix("%"),
                    FieldSpec::text(Key::PoolCapLabel, "user-pool-cap", "/pool_cap", pool_cap)
                        .input(Input::Count)
                        .hint(Key::PoolCapHint)
                        .optional(true)
                        .placeholder(Key::NoLimit),
                    FieldSpec::text(
                            if creating { Key::PasswordLabel } else { Key::NewPasswordLabel },
                            "user-password",
                            "/password",
                            password,
                        )
                        .input(Input::NewPassword)
                        .hint(if creating { Key::PasswordHint } else { Key::ResetPasswordHint })
                        .optional(!creating),
                ]
                    .into_iter()
                    .map(|f| f.view(errors, None))
                    .collect_view()}
            </div>
            <div class="form-actions">
                {toggle}
                <Link route=AppRoute::Users class="btn btn-ghost" testid="user-cancel">
                    {tr(Key::Cancel)}
                </Link>
                <SubmitButton
                    label=if creating { Key::CreateUser } else { Key::SaveChanges }
                    busy_label=Key::Saving
                    pending=pending
                    testid="user-submit"
                />
            </div>
        </form>
    }
}

/// A write the user form makes.
enum Write {
    Create(Checked),
    Update(User, Checked),
    /// Deactivates an active user, reactivates an inactive one.
    Toggle(User),
}

impl Write {
    /// Sends the write; answers with the user's name and what to tell about it.
    async fn send(self, client: &Client) -> (String, Result<Key, ClientError>) {
        match self {
            Write::Create(c) => {
                let body = CreateUser {
                    email: c.email,
                    name: c.name.clone(),
                    role: c.role,
                    password: c.password.unwrap_or_default(),
                    team_id: c.team_id,
                    locale: None,
                    max_discount_percent: c.discount,
                    pool_cap: c.pool_cap,
                };
                let result = client.create_user(&body, &WriteOptions::default()).await;
                (c.name, result.map(|_| Key::UserCreated))
            }
            Write::Update(user, c) => {
                let patch = changes(&user, c);
                if is_empty(&patch) {
                    return (user.name, Ok(Key::NoChanges));
                }
                let opts = WriteOptions::if_match(user.version);
                let result = client.update_user(&user.id.to_string(), &patch, &opts).await;
                (patch.name.unwrap_or(user.name), result.map(|_| Key::UserSaved))
            }
            Write::Toggle(user) => {
                let id = user.id.to_string();
                let opts = WriteOptions::if_match(user.version);
                let result = if user.active {
                    client.deactivate_user(&id, &opts).await.map(|_| Key::UserDeactivated)
                } else {
                    let patch = UpdateUser { active: Some(true), ..UpdateUser::default() };
                    client.update_user(&id, &patch, &opts).await.map(|_| Key::UserReactivated)
                };
                (user.name, result)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> Draft {
        Draft {
            email: " li.lei@example.com ".into(),
            name: "李雷".into(),
            role: Some(Role::Sales),
            password: "long-enough-1".into(),
            team: String::new(),
            discount: "12.5".into(),
            pool_cap: String::new(),
        }
    }

    fn pointers(r: Result<Checked, Errors>) -> Vec<String> {
        r.err().unwrap_or_default().into_iter().map(|(p, _)| p).collect()
    }

    #[test]
    fn a_good_draft_passes_trimmed() {
        let checked = check(&draft(), true).expect("valid");
        assert_eq!(checked.email, "li.lei@example.com");
        assert_eq!(checked.discount, Some(Decimal::new(125, 1)));
        assert_eq!(checked.pool_cap, None);
    }

    #[test]
    fn each_field_is_checked() {
        let d = Draft {
            email: "li.lei".into(),
            name: "  ".into(),
            password: "short".into(),
            discount: "101".into(),
            pool_cap: "-1".into(),
            ..draft()
        };
        assert_eq!(pointers(check(&d, true)), ["/email", "/name", "/password", "/max_discount_percent", "/pool_cap"]);
        let d = Draft { password: String::new(), discount: "abc".into(), ..draft() };
        assert_eq!(pointers(check(&d, true)), ["/password", "/max_discount_percent"]);
        // Editing keeps the password unless a new one is typed.
        assert_eq!(check(&d, false).err().map(|e| e.len()), Some(1));
    }

    #[test]
    fn an_edit_sends_only_what_changed() {
        let when = chrono::DateTime::UNIX_EPOCH;
        let user = User {
            object: "user".into(),
            id: Uuid::nil(),
            email: "li.lei@example.com".into(),
            name: "李雷".into(),
            role: Role::Sales,
            team_id: None,
            active: true,
            locale: Default::default(),
            max_discount_percent: Decimal::new(1250, 2),
            pool_cap: Some(5),
            version: 3,
            created_at: when,
            updated_at: when,
            created_by: None,
            updated_by: None,
        };
        let d = Draft { password: String::new(), pool_cap: "5".into(), ..draft() };
        let same = changes(&user, check(&d, false).expect("valid"));
        assert!(is_empty(&same), "{same:?}");
        let d = Draft { role: Some(Role::Manager), pool_cap: String::new(), ..d };
        let patch = changes(&user, check(&d, false).expect("valid"));
        assert_eq!(patch.role, Some(Role::Manager));
        assert_eq!(patch.pool_cap, Some(None));
        assert_eq!(patch.email, None);
        assert_eq!(percent(user.max_discount_percent), "12.5");
    }
}
