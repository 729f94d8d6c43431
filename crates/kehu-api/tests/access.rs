//! The access matrix: role × relation of the record to the caller × operation, with the outcomes
//! of the product's visibility rules (数据权限). A record the caller may not see is a 404 and is
//! absent from lists, searches and totals; one it may see but not change is a 403.

#![allow(clippy::unwrap_used)]

mod common;

use common::TestApp;
use kehu_client::{Client, ListQuery, WriteOptions};
use kehu_core::ErrorCode;
use kehu_core::activity::CreateActivity;
use kehu_core::contact::CreateContact;
use kehu_core::customer::{CreateCustomer, UpdateCustomer};
use kehu_core::team::CreateTeam;
use kehu_core::user::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    Own,
    SameTeam,
    SubTeam,
    OtherTeam,
    Pool,
}

/// What a write does: succeed, be refused though the record is visible, or find nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Write {
    Ok,
    Forbidden,
    NotFound,
}

/// The rules of product.md, written out: (visible for read/list/search, outcome of update and delete).
fn expected(role: Role, relation: Relation) -> (bool, Write) {
    use Relation::*;
    match (role, relation) {
        (Role::Admin, _) => (true, Write::Ok),
        // A manager: their own, their team's and sub-teams', and the pool (to hand it out).
        (Role::Manager, Own | SameTeam | SubTeam | Pool) => (true, Write::Ok),
        (Role::Manager, OtherTeam) => (false, Write::NotFound),
        // A rep: their own; the pool to read and claim, not to edit.
        (Role::Sales, Own) => (true, Write::Ok),
        (Role::Sales, Pool) => (true, Write::Forbidden),
        (Role::Sales, SameTeam | SubTeam | OtherTeam) => (false, Write::NotFound),
        // Service reads every customer and changes none (and owns none: "own" is a colleague's).
        (Role::Service, _) => (true, Write::Forbidden),
    }
}

async fn user(app: &TestApp, admin: &Client, email: &str, role: Role, team: Option<uuid::Uuid>) -> (String, Client) {
    let (id, client) = app.user(admin, email, role, team, None).await;
    (id.to_string(), client)
}

struct World {
    admin: Client,
    /// The caller under test.
    subject: Client,
    /// The owner of each relation's customer (`None` for the pool).
    owners: Vec<(Relation, Option<String>)>,
}

async fn team(admin: &Client, name: &str, parent: Option<uuid::Uuid>) -> uuid::Uuid {
    let body = CreateTeam { name: name.to_owned(), parent_id: parent, manager_id: None };
    admin.create_team(&body, &WriteOptions::default()).await.unwrap().id
}

/// Teams North ⊃ North-East, and South; the subject with `role` sits in North. Each relation
/// gets an owner: the subject (own), a rep in North, one in North-East, one in South, or nobody.
async fn world(app: &TestApp, role: Role) -> World {
    let admin = app.admin().await;
    let north = team(&admin, "North", None).await;
    let north_east = team(&admin, "North-East", Some(north)).await;
    let south = team(&admin, "South", None).await;
    let (subject_id, subject) = match role {
        Role::Admin => ((admin.me().await.unwrap().id.to_string()), app.admin().await),
        _ => user(app, &admin, "subject@example.com", role, Some(north)).await,
    };
    let (peer, _) = user(app, &admin, "peer@example.com", Role::Sales, Some(north)).await;
    let (sub, _) = user(app, &admin, "sub@example.com", Role::Sales, Some(north_east)).await;
    let (far, _) = user(app, &admin, "far@example.com", Role::Sales, Some(south)).await;
    // Service agents own no customers: their "own" relation is a colleague's customer.
    let own = if role == Role::Service { peer.clone() } else { subject_id };
    let owners = vec![
        (Relation::Own, Some(own)),
        (Relation::SameTeam, Some(peer)),
        (Relation::SubTeam, Some(sub)),
        (Relation::OtherTeam, Some(far)),
        (Relation::Pool, None),
    ];
    World { admin, subject, owners }
}

async fn check_matrix(role: Role) {
    let app = TestApp::spawn().await;
    let w = world(&app, role).await;
    let mut ids = Vec::new();
    for (relation, owner) in &w.owners {
        let body = CreateCustomer {
            name: format!("Matrix {relation:?} customer"),
            owner_id: Some(owner.as_ref().map(|o| o.parse().unwrap())),
            phone: Some("+86 138 0000 0001".to_owned()),
            // The same phone on purpose, so that a search by it must filter by visibility.
            allow_duplicate: true,
            ..CreateCustomer::default()
        };
        let c = w.admin.create_customer(&body, &WriteOptions::default()).await.unwrap();
        ids.push((*relation, c.id.to_string(), c.version));
    }

    // List (all pages) and the total: exactly the visible ones.
    let mut listed = Vec::new();
    let mut query = ListQuery::new().limit(2).with_total();
    let mut total = None;
    loop {
        let page = w.subject.list_customers(&query).await.unwrap();
        total = total.or(page.total_count);
        listed.extend(page.data.into_iter().map(|c| c.id.to_string()));
        match page.next_cursor {
            Some(c) => query = ListQuery::new().limit(2).cursor(c),
            None => break,
        }
    }
    let visible: Vec<&String> = ids.iter().filter(|(r, _, _)| expected(role, *r).0).map(|(_, id, _)| id).collect();
    assert_eq!(total, Some(visible.len() as i64), "{role:?}: total");
    assert_eq!(listed.len(), visible.len(), "{role:?}: listed {listed:?}");

    // Contacts and activities follow their customer.
    let mut children = Vec::new();
    for (relation, id, _) in &ids {
        let customer_id: uuid::Uuid = id.parse().unwrap();
        let contact = CreateContact {
            customer_id,
            name: format!("Person at {relation:?}"),
            title: None,
            department: None,
            phone: None,
            mobile: None,
            email: None,
            birthday: None,
            preferred_channel: None,
            do_not_contact: None,
            is_primary: true,
            notes: None,
            custom_fields: Default::default(),
        };
        let contact = w.admin.create_contact(&contact, &WriteOptions::default()).await.unwrap();
        let activity: CreateActivity = serde_json::from_value(serde_json::json!({
            "kind": "call", "subject": format!("Call {relation:?}"), "customer_id": customer_id
        }))
        .unwrap();
        let activity = w.admin.create_activity(&activity, &WriteOptions::default()).await.unwrap();
        children.push((*relation, contact.id.to_string(), activity.id.to_string()));
    }
    let contacts = w.subject.list_contacts(&ListQuery::new().limit(100).with_total()).await.unwrap();
    assert_eq!(contacts.total_count, Some(visible.len() as i64), "{role:?}: contacts total");
    let activities = w.subject.list_activities(&ListQuery::new().limit(100).with_total()).await.unwrap();
    assert_eq!(activities.total_count, Some(visible.len() as i64), "{role:?}: activities total");
    for (relation, contact, activity) in &children {
        let (sees, _) = expected(role, *relation);
        let label = format!("{role:?} × {relation:?}");
        let got = w.subject.get_contact(contact).await;
        assert_eq!(got.is_ok(), sees, "{label}: contact {got:?}");
        if !sees {
            assert_eq!(got.unwrap_err().code(), Some(ErrorCode::NotFound));
        }
        let got = w.subject.get_activity(activity).await;
        assert_eq!(got.is_ok(), sees, "{label}: activity {got:?}");
        let overview = w.subject.customer_overview(&ids.iter().find(|(r, _, _)| r == relation).unwrap().1).await;
        assert_eq!(overview.is_ok(), sees, "{label}: overview");
    }

    for (relation, id, version) in &ids {
        let (sees, write) = expected(role, *relation);
        let label = format!("{role:?} × {relation:?}");
        // Read.
        match w.subject.get_customer(id).await {
            Ok(c) => assert!(sees, "{label}: read should be 404, got {}", c.name),
            Err(e) => {
                assert!(!sees, "{label}: read failed: {e}");
                assert_eq!(e.code(), Some(ErrorCode::NotFound), "{label}");
            }
        }
        // List and search.
        assert_eq!(listed.contains(id), sees, "{label}: list");
        let q = format!("matrix {relation:?}");
        let found = w.subject.list_customers(&ListQuery::new().search(q).with_total()).await.unwrap();
        assert_eq!(found.data.iter().any(|c| c.id.to_string() == *id), sees, "{label}: search by name");
        assert_eq!(found.total_count, Some(i64::from(sees)), "{label}: search total");
        let by_phone = w.subject.list_customers(&ListQuery::new().search("138 0000 0001")).await.unwrap();
        assert_eq!(by_phone.data.iter().any(|c| c.id.to_string() == *id), sees, "{label}: search by phone");
        // The audit trail follows visibility too.
        let history = ListQuery::new().param("entity", "customer").param("entity_id", id.clone());
        match w.subject.list_audit_events(&history).await {
            Ok(events) => assert!(sees, "{label}: history should be 404 ({} events)", events.data.len()),
            Err(e) => {
                assert!(!sees, "{label}: history failed: {e}");
                assert_eq!(e.code(), Some(ErrorCode::NotFound), "{label}: history");
            }
        }
        // Update, then delete.
        let patch = UpdateCustomer { industry: Some(Some("Machinery".to_owned())), ..UpdateCustomer::default() };
        let outcome = w.subject.update_customer(id, &patch, &WriteOptions::if_match(*version)).await;
        check_write(&label, "update", outcome.map(|_| ()), write);
        let outcome = w.subject.delete_customer(id, &WriteOptions::default()).await;
        check_write(&label, "delete", outcome, write);
    }
    app.stop().await;
}

fn check_write(label: &str, op: &str, outcome: Result<(), kehu_client::ClientError>, expected: Write) {
    match (outcome, expected) {
        (Ok(()), Write::Ok) => {}
        (Err(e), Write::Forbidden) => assert_eq!(e.code(), Some(ErrorCode::Forbidden), "{label}: {op}: {e}"),
        (Err(e), Write::NotFound) => assert_eq!(e.code(), Some(ErrorCode::NotFound), "{label}: {op}: {e}"),
        (outcome, expected) => panic!("{label}: {op}: expected {expected:?}, got {outcome:?}"),
    }
}

#[actix_web::test]
async fn admins_see_and_change_every_customer() {
    check_matrix(Role::Admin).await;
}

#[actix_web::test]
async fn managers_see_their_teams_below_them_and_the_pool() {
    check_matrix(Role::Manager).await;
}

#[actix_web::test]
async fn sales_reps_see_their_own_and_the_pool() {
    check_matrix(Role::Sales).await;
}

#[actix_web::test]
async fn service_agents_read_every_customer_and_change_none() {
    check_matrix(Role::Service).await;
}

#[actix_web::test]
async fn managers_of_a_team_see_it_without_being_in_it() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (boss_id, boss) = user(&app, &admin, "boss@example.com", Role::Manager, None).await;
    let west = admin
        .create_team(
            &CreateTeam { name: "West".to_owned(), parent_id: None, manager_id: Some(boss_id.parse().unwrap()) },
            &WriteOptions::default(),
        )
        .await
        .unwrap();
    let (rep, _) = user(&app, &admin, "west.rep@example.com", Role::Sales, Some(west.id)).await;
    let body = CreateCustomer {
        name: "West customer".into(),
        owner_id: Some(Some(rep.parse().unwrap())),
        ..Default::default()
    };
    let c = admin.create_customer(&body, &WriteOptions::default()).await.unwrap();
    assert_eq!(boss.get_customer(&c.id.to_string()).await.unwrap().name, "West customer");
    app.stop().await;
}

#[actix_web::test]
async fn a_rep_cannot_claim_merge_export_or_count_another_teams_customer() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let north = team(&admin, "North", None).await;
    let south = team(&admin, "South", None).await;
    let (_, rep) = user(&app, &admin, "rep@example.com", Role::Sales, Some(north)).await;
    let (far, _) = user(&app, &admin, "far@example.com", Role::Sales, Some(south)).await;
    let opts = WriteOptions::default();
    let theirs = CreateCustomer {
        name: "Southern Star".into(),
        owner_id: Some(Some(far.parse().unwrap())),
        ..CreateCustomer::default()
    };
    let theirs = admin.create_customer(&theirs, &opts).await.unwrap().id;
    let mine = rep
        .create_customer(&CreateCustomer { name: "Northern Light".into(), ..Default::default() }, &opts)
        .await
        .unwrap()
        .id;
    let not_found = |r: Result<kehu_core::customer::Customer, kehu_client::ClientError>| {
        assert_eq!(r.unwrap_err().code(), Some(ErrorCode::NotFound));
    };
    not_found(rep.get_customer(&theirs.to_string()).await);
    not_found(rep.claim_customer(&theirs.to_string()).await);
    not_found(
        rep.merge_customer(&mine.to_string(), &kehu_core::customer::MergeCustomers { duplicate_id: theirs }).await,
    );
    not_found(
        rep.merge_customer(&theirs.to_string(), &kehu_core::customer::MergeCustomers { duplicate_id: mine }).await,
    );
    not_found(rep.customer_overview(&theirs.to_string()).await.map(|o| o.customer));
    let total = rep.list_customers(&ListQuery::new().with_total()).await.unwrap().total_count;
    assert_eq!(total, Some(1));
    let by_owner = rep.list_customers(&ListQuery::new().param("owner_id", far.clone()).with_total()).await.unwrap();
    assert_eq!(by_owner.total_count, Some(0));
    let export = String::from_utf8(rep.export_customers(&ListQuery::new()).await.unwrap()).unwrap();
    assert!(export.contains("Northern Light") && !export.contains("Southern Star"));
    // A look-alike of a customer the rep cannot see is no duplicate for them, and says nothing.
    let twin = CreateCustomer { name: "southern star".into(), ..Default::default() };
    rep.create_customer(&twin, &opts).await.unwrap();
    app.stop().await;
}
