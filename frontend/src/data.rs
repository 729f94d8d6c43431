//! Reads that several pages share. Pickers and name lookups need every team (or user), not a
//! page of them, so these follow the cursor to the end.

use kehu_client::{Client, ClientError, ListQuery};
use kehu_core::list::List;
use kehu_core::team::Team;
use kehu_core::user::User;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::session::{Session, use_session};

/// The largest page the API serves.
const PAGE: i64 = 100;
/// A bound on the walk, so a server that keeps returning a cursor cannot keep the page loading.
const MAX_PAGES: usize = 50;

/// Every team, and when asked every user: what the admin pages pick from and look names up in.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Directory {
    pub teams: Vec<Team>,
    pub users: Vec<User>,
}

impl Directory {
    pub fn user(&self, id: Uuid) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    pub fn team(&self, id: Uuid) -> Option<&Team> {
        self.teams.iter().find(|t| t.id == id)
    }
}

/// The directory as last read; `None` while a read runs.
pub type Loaded = RwSignal<Option<Result<Directory, ClientError>>>;

/// Reads the directory now, and again each time the returned callback runs. An answer to an
/// earlier read that arrives late is dropped. Every admin page reads through this one function,
/// so the app carries one copy of the code that reads.
pub fn load_directory(with_users: bool) -> (Loaded, Callback<()>) {
    let session = use_session();
    let state: Loaded = RwSignal::new(None);
    let latest = StoredValue::new(0_u64);
    let run = move || {
        latest.update_value(|n| *n += 1);
        let ticket = latest.get_value();
        let client = session.client();
        state.set(None);
        spawn_local(async move {
            let result = read_directory(&client, with_users).await;
            if latest.try_get_value() == Some(ticket) {
                state.try_set(Some(result));
            }
        });
    };
    run();
    (state, Callback::new(move |()| run()))
}

/// Colleagues' names, read once per page load and shared: every list and timeline names owners
/// by them. Someone added since then shows without a name until the next load.
#[derive(Clone, Copy)]
pub struct People {
    users: RwSignal<Vec<User>>,
    asked: StoredValue<bool>,
    session: Session,
}

impl People {
    pub fn provide(session: Session) {
        provide_context(People { users: RwSignal::new(Vec::new()), asked: StoredValue::new(false), session });
    }

    /// The name of user `id`; reactive. The first use reads the directory.
    pub fn name(&self, id: Uuid) -> Option<String> {
        if !self.asked.get_value() && self.session.is_signed_in() {
            self.asked.set_value(true);
            let (users, asked, client) = (self.users, self.asked, self.session.client());
            spawn_local(async move {
                match all_users(&client).await {
                    Ok(list) => {
                        users.try_set(list);
                    }
                    // Names are a nicety: the pages work without them, and the next page asks again.
                    Err(_) => asked.set_value(false),
                }
            });
        }
        self.users.with(|users| users.iter().find(|u| u.id == id).map(|u| u.name.clone()))
    }
}

pub fn use_people() -> People {
    expect_context::<People>()
}

async fn read_directory(client: &Client, with_users: bool) -> Result<Directory, ClientError> {
    let teams = all_teams(client).await?;
    let users = if with_users { all_users(client).await? } else { Vec::new() };
    Ok(Directory { teams, users })
}

async fn all_teams(client: &Client) -> Result<Vec<Team>, ClientError> {
    all_pages(ListQuery::new().sort("name"), |q| async move { client.list_teams(&q).await }).await
}

async fn all_users(client: &Client) -> Result<Vec<User>, ClientError> {
    all_pages(ListQuery::new().sort("name"), |q| async move { client.list_users(&q).await }).await
}

/// Every record of a list, following the cursor from the first page to the last.
pub async fn all_pages<T, F, Fut>(query: ListQuery, fetch: F) -> Result<Vec<T>, ClientError>
where
    F: Fn(ListQuery) -> Fut,
    Fut: Future<Output = Result<List<T>, ClientError>>,
{
    let mut records = Vec::new();
    let mut cursor = None;
    for _ in 0..MAX_PAGES {
        let mut page_query = query.clone().limit(PAGE);
        if let Some(c) = cursor.take() {
            page_query = page_query.cursor(c);
        }
        let page = fetch(page_query).await?;
        records.extend(page.data);
        match page.next_cursor {
            Some(next) if page.has_more => cursor = Some(next),
            _ => break,
        }
    }
    Ok(records)
}

pub fn team_name(teams: &[Team], id: Option<Uuid>) -> Option<String> {
    let id = id?;
    teams.iter().find(|t| t.id == id).map(|t| t.name.clone())
}

/// Teams in tree order (each parent followed by its sub-teams) with their depth. A team whose
/// parent is not in the list counts as top-level; a loop in the data cannot hang the walk.
pub fn tree_order(teams: &[Team]) -> Vec<(usize, &Team)> {
    let known = |id: Option<Uuid>| id.is_some_and(|id| teams.iter().any(|t| t.id == id));
    let mut out = Vec::with_capacity(teams.len());
    let mut seen = vec![false; teams.len()];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for (i, team) in teams.iter().enumerate().rev() {
        if !known(team.parent_id) {
            stack.push((0, i));
        }
    }
    loop {
        while let Some((depth, i)) = stack.pop() {
            if seen[i] {
                continue;
            }
            seen[i] = true;
            out.push((depth, &teams[i]));
            let id = teams[i].id;
            for (j, child) in teams.iter().enumerate().rev() {
                if child.parent_id == Some(id) && !seen[j] {
                    stack.push((depth + 1, j));
                }
            }
        }
        // Only teams in a loop are left; show them at the top level rather than not at all.
        match seen.iter().position(|s| !s) {
            Some(i) => stack.push((0, i)),
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team(n: u128, name: &str, parent: Option<u128>) -> Team {
        let when = chrono::DateTime::UNIX_EPOCH;
        Team {
            object: "team".into(),
            id: Uuid::from_u128(n),
            name: name.into(),
            parent_id: parent.map(Uuid::from_u128),
            manager_id: None,
            version: 1,
            created_at: when,
            updated_at: when,
            created_by: None,
            updated_by: None,
        }
    }

    fn names(order: &[(usize, &Team)]) -> Vec<String> {
        order.iter().map(|(d, t)| format!("{d}{}", t.name)).collect()
    }

    #[test]
    fn sub_teams_follow_their_parent() {
        let teams = [
            team(1, "East", None),
            team(2, "East A", Some(1)),
            team(3, "North", None),
            team(4, "East A1", Some(2)),
            team(5, "Orphan", Some(99)),
        ];
        assert_eq!(names(&tree_order(&teams)), ["0East", "1East A", "2East A1", "0North", "0Orphan"]);
    }

    #[test]
    fn a_loop_still_shows_every_team() {
        let teams = [team(1, "A", Some(2)), team(2, "B", Some(1)), team(3, "C", None)];
        assert_eq!(tree_order(&teams).len(), 3);
    }
}
