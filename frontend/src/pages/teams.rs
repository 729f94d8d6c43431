use kehu_core::team::Team;
use leptos::prelude::*;

use crate::components::form::SuccessAlert;
use crate::components::icons::{Icon, icon};
use crate::components::list::ListRow;
use crate::components::notice::use_notices;
use crate::components::shell::AdminTabs;
use crate::components::states::{AdminOnly, LoadFailed, Loading, PageHead};
use crate::data::{Directory, load_directory, tree_order};
use crate::i18n::{Key, tr, use_i18n};
use crate::routes::{AppRoute, Link};

/// Handles `/teams`.
#[component]
pub fn TeamsPage() -> impl IntoView {
    view! {
        <AdminOnly>
            <TeamList />
        </AdminOnly>
    }
}

#[component]
fn TeamList() -> impl IntoView {
    let i18n = use_i18n();
    // The whole tree is drawn at once, so every team is read; users name the managers and
    // count the members.
    let (data, reload) = load_directory(true);

    let notice = use_notices().take();
    let notice = Signal::derive(move || notice.as_ref().map(|n| n.text(i18n)));

    let body = move || match data.get() {
        None => view! { <Loading testid="teams-loading" /> }.into_any(),
        Some(Err(e)) => view! {
            <LoadFailed
                error=Key::for_error(&e)
                retry=reload
                testid="teams-error"
            />
        }
        .into_any(),
        Some(Ok(directory)) if directory.teams.is_empty() => view! {
            <div class="state" data-testid="teams-empty">
                <span class="state-icon">
                    {icon(Icon::Teams)}
                </span>
                <p class="state-title">{tr(Key::TeamsEmpty)}</p>
                <p class="state-hint">{tr(Key::TeamsEmptyHint)}</p>
            </div>
        }
        .into_any(),
        Some(Ok(Directory { teams, users })) => {
            let rows = tree_order(&teams)
                .into_iter()
                .map(|(depth, team)| {
                    let manager =
                        team.manager_id.and_then(|id| users.iter().find(|u| u.id == id)).map(|u| u.name.clone());
                    // Deactivated people count too: they still belong to the team, which keeps it from
                    // being deleted.
                    let members = users.iter().filter(|u| u.team_id == Some(team.id)).count();
                    team_row(team, depth, manager, members)
                })
                .collect_view();
            view! {
                <ul class="list" data-testid="teams-list">
                    {rows}
                </ul>
            }
            .into_any()
        }
    };

    view! {
        <div class="page">
            <AdminTabs />
            <PageHead title=Signal::derive(move || i18n.t(Key::TeamsTitle).to_owned()) lede=Key::TeamsLede>
                <Link route=AppRoute::NewTeam class="btn btn-primary" testid="teams-new">
                    {icon(Icon::Plus)}
                    <span>{tr(Key::NewTeam)}</span>
                </Link>
            </PageHead>
            <SuccessAlert text=notice testid="notice" />
            {move || body()}
        </div>
    }
}

fn team_row(team: &Team, depth: usize, manager: Option<String>, members: usize) -> impl IntoView {
    let i18n = use_i18n();
    let members = move || {
        let key = if members == 1 { Key::MemberCountOne } else { Key::MemberCount };
        i18n.t(key).replace("{n}", &members.to_string())
    };
    let manager = move || match &manager {
        Some(name) => i18n.t(Key::ManagedBy).replace("{name}", name),
        None => i18n.t(Key::NoManager).to_owned(),
    };
    view! {
        <ListRow
            route=AppRoute::Team(team.id)
            testid="team-row"
            title=team.name.clone()
            sub=Signal::derive(manager)
            meta=Signal::derive(members)
            square=true
            depth=depth
        />
    }
}
