//! CSV import (dry run, report, all-or-nothing writes, upsert by external id, 100 000 rows) and
//! export (visible rows only, formula guard, re-importable).

#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use common::TestApp;
use kehu_client::{Client, ListQuery, WriteOptions};
use kehu_core::import::{Import, ImportPhase, ImportResource, ImportStatus};
use kehu_core::user::Role;

async fn wait(client: &Client, job: &Import) -> Import {
    let started = Instant::now();
    loop {
        let now = client.get_import(&job.id.to_string()).await.unwrap();
        if matches!(now.status, ImportStatus::Succeeded | ImportStatus::Failed) {
            return now;
        }
        assert!(started.elapsed() < Duration::from_secs(600), "import still {:?} after 10 minutes", now.status);
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn import(client: &Client, csv: &str, dry_run: bool) -> Import {
    let job = client.start_import(ImportResource::Customers, dry_run, csv.as_bytes().to_vec()).await.unwrap();
    assert_eq!(job.status, ImportStatus::Queued);
    wait(client, &job).await
}

async fn count(client: &Client) -> i64 {
    client.list_customers(&ListQuery::new().with_total()).await.unwrap().total_count.unwrap()
}

#[actix_web::test]
async fn a_dry_run_reports_every_bad_row_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let csv = "\u{feff}name,level,email,phone,tags,address.city,external_id\r\n\
               华为技术有限公司,a,info@huawei.example,+86 755 2878 0808,vip;华南,深圳,ERP-1\r\n\
               ,b,,,,,ERP-2\r\n\
               \"ACME, Trading\",z,not-an-email,,,,ERP-3\r\n\
               \"Multi\nline\",c,,call me,,,ERP-1\r\n";
    let report = import(&admin, csv, true).await;
    assert_eq!(report.status, ImportStatus::Succeeded);
    assert_eq!(report.phase, ImportPhase::Done);
    assert_eq!((report.processed_rows, report.error_count, report.created_rows), (4, 3, 1));
    let found: Vec<(u64, String, String)> =
        report.errors.iter().map(|e| (e.row, e.column.clone().unwrap_or_default(), e.code.clone())).collect();
    for expected in [
        (3, "name", "required"),
        (4, "level", "invalid_value"),
        (5, "phone", "invalid_phone"),
        (5, "external_id", "duplicate_in_file"),
    ] {
        assert!(
            found.contains(&(expected.0, expected.1.to_owned(), expected.2.to_owned())),
            "{expected:?} not in {found:?}"
        );
    }
    assert_eq!(count(&admin).await, 0);

    // Written for real, a file with bad rows changes nothing either.
    let failed = import(&admin, csv, false).await;
    assert_eq!(failed.status, ImportStatus::Failed);
    assert!(failed.message.unwrap().contains("nothing was written"));
    assert_eq!(count(&admin).await, 0);

    // A header the server does not know fails the whole file, saying which column.
    let job = import(&admin, "name,colour\nA,red\n", true).await;
    assert_eq!(job.status, ImportStatus::Failed);
    assert!(job.message.unwrap().contains("colour"));
    app.stop().await;
}

#[actix_web::test]
async fn an_upload_over_the_limit_is_refused_and_leaves_no_file() {
    let app = TestApp::spawn_with(&[("KEHU_MAX_IMPORT_BYTES", "1000")]).await;
    let admin = app.admin().await;
    let big = format!("name\n{}", "Some customer\n".repeat(200));
    let err = admin.start_import(ImportResource::Customers, true, big.into_bytes()).await.unwrap_err();
    assert_eq!(err.code(), Some(kehu_core::ErrorCode::PayloadTooLarge));
    let job = admin.start_import(ImportResource::Customers, true, b"name\nSmall\n".to_vec()).await.unwrap();
    assert_eq!(wait(&admin, &job).await.created_rows, 1);
    // Neither the refused file nor the finished one stays on disk.
    let left = std::fs::read_dir(app.data_dir().join("imports")).unwrap().count();
    assert_eq!(left, 0);
    let err = admin.start_import(ImportResource::Customers, true, b"x".to_vec()).await;
    assert!(err.is_ok(), "a bad file is the job's failure, not the upload's");
    app.stop().await;
}

#[actix_web::test]
async fn imports_create_then_update_by_external_id() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (rep_id, rep) = app.user(&admin, "rep@example.com", Role::Sales, None, None).await;
    let first = "name,level,tags,external_id,owner_id\nAlpha,a,x;y,E-1,\nBeta,b,,E-2,\nGamma,,,,\n";
    let job = import(&rep, &first.replace(",\n", &format!(",{rep_id}\n")), false).await;
    assert_eq!((job.status, job.created_rows, job.updated_rows), (ImportStatus::Succeeded, 3, 0), "{job:?}");
    let alpha = rep.list_customers(&ListQuery::new().search("alpha")).await.unwrap().data.remove(0);
    assert_eq!((alpha.tags.clone(), alpha.owner_id), (vec!["x".to_owned(), "y".to_owned()], Some(rep_id)));

    let second = format!("name,level,external_id,owner_id\nAlpha Ltd,c,E-1,{rep_id}\nDelta,,E-4,\n");
    let job = import(&rep, &second, false).await;
    assert_eq!((job.created_rows, job.updated_rows), (1, 1));
    let alpha = rep.get_customer(&alpha.id.to_string()).await.unwrap();
    assert_eq!((alpha.name.as_str(), alpha.level.map(|l| l.as_str())), ("Alpha Ltd", Some("c")));
    // The update replaced the row: tags not in the file are gone.
    assert!(alpha.tags.is_empty());
    // An empty owner sends the customer to the pool.
    let delta = rep.list_customers(&ListQuery::new().search("delta")).await.unwrap().data.remove(0);
    assert_eq!(delta.owner_id, None);
    // The changes are audited like any other.
    let history = admin
        .list_audit_events(&ListQuery::new().param("entity", "customer").param("entity_id", alpha.id.to_string()))
        .await
        .unwrap();
    assert_eq!(history.data.len(), 2);

    // Someone else's external id cannot be taken over or even told apart from a taken one.
    let (_, other) = app.user(&admin, "other@example.com", Role::Sales, None, None).await;
    let job = import(&other, "name,external_id\nMine now,E-2\n", true).await;
    assert_eq!(job.errors[0].code, "taken");
    // A job is its author's (and administrators') to read.
    assert_eq!(other.get_import(&job.id.to_string()).await.unwrap().id, job.id);
    let err = rep.get_import(&job.id.to_string()).await.unwrap_err();
    assert_eq!(err.code(), Some(kehu_core::ErrorCode::NotFound));
    app.stop().await;
}

#[actix_web::test]
async fn exports_hold_only_visible_rows_defuse_formulas_and_import_again() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (_, rep) = app.user(&admin, "rep@example.com", Role::Sales, None, None).await;
    let (_, other) = app.user(&admin, "other@example.com", Role::Sales, None, None).await;
    let opts = WriteOptions::default();
    let named = |name: &str, phone: Option<&str>| kehu_core::customer::CreateCustomer {
        name: name.to_owned(),
        phone: phone.map(str::to_owned),
        tags: vec!["a".into(), "b".into()],
        ..Default::default()
    };
    rep.create_customer(&named("=HYPERLINK(\"http://evil.example\")", Some("+86 138 0013 8000")), &opts).await.unwrap();
    rep.create_customer(&named("华为, \"quoted\"", None), &opts).await.unwrap();
    other.create_customer(&named("Not for the rep", None), &opts).await.unwrap();

    let bytes = rep.export_customers(&ListQuery::new().sort("name")).await.unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.starts_with('\u{feff}'));
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(&header[..3], ["id", "name", "kind"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "only the rep's own customers");
    let name = header.iter().position(|h| h == "name").unwrap();
    let phone = header.iter().position(|h| h == "phone").unwrap();
    let tags = header.iter().position(|h| h == "tags").unwrap();
    assert_eq!(&rows[0][name], "'=HYPERLINK(\"http://evil.example\")");
    assert_eq!(&rows[0][phone], "'+86 138 0013 8000");
    assert_eq!(&rows[0][tags], "a;b");
    assert_eq!(&rows[1][name], "华为, \"quoted\"");
    // Filters apply.
    let filtered = rep.export_customers(&ListQuery::new().search("华为")).await.unwrap();
    assert_eq!(String::from_utf8(filtered).unwrap().lines().count(), 2);

    // The file imports again as it is: the guard comes off, the computed columns are skipped.
    let again = import(&rep, &text, true).await;
    assert_eq!((again.status, again.error_count, again.created_rows), (ImportStatus::Succeeded, 0, 2), "{again:?}");
    app.stop().await;
}

#[actix_web::test]
async fn contacts_import_onto_customers_the_importer_may_change() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (_, rep) = app.user(&admin, "rep@example.com", Role::Sales, None, None).await;
    let (_, other) = app.user(&admin, "other@example.com", Role::Sales, None, None).await;
    let opts = WriteOptions::default();
    let mine = kehu_core::customer::CreateCustomer {
        name: "ACME".into(),
        external_id: Some("ERP-9".into()),
        ..Default::default()
    };
    let acme = rep.create_customer(&mine, &opts).await.unwrap();
    let theirs = other
        .create_customer(&kehu_core::customer::CreateCustomer { name: "Other's".into(), ..Default::default() }, &opts)
        .await
        .unwrap();
    let csv = format!(
        "customer_id,customer_external_id,name,mobile,birthday,is_primary,do_not_contact.sms\n\
         ,ERP-9,李雷,139 1234 5678,1990-05-17,yes,no\n\
         {acme},,韩梅梅,,,no,yes\n\
         {theirs},,Spy,,,,\n\
         ,ERP-404,Nobody,,,,\n\
         {acme},,Bad Date,,1990-13-01,,maybe\n",
        acme = acme.id,
        theirs = theirs.id
    );
    let report = import_resource(&rep, ImportResource::Contacts, &csv, true).await;
    assert_eq!(
        (report.status, report.processed_rows, report.error_count),
        (ImportStatus::Succeeded, 5, 3),
        "{report:?}"
    );
    let found: Vec<(u64, String, String)> =
        report.errors.iter().map(|e| (e.row, e.column.clone().unwrap_or_default(), e.code.clone())).collect();
    assert!(found.contains(&(4, "customer_id".into(), "not_found".into())), "{found:?}");
    assert!(found.contains(&(5, "customer_external_id".into(), "not_found".into())), "{found:?}");
    assert!(found.iter().any(|(row, column, _)| *row == 6 && (column == "birthday" || column == "do_not_contact.sms")));

    let good: String = csv.lines().take(3).map(|l| format!("{l}\n")).collect();
    let done = import_resource(&rep, ImportResource::Contacts, &good, false).await;
    assert_eq!((done.status, done.created_rows), (ImportStatus::Succeeded, 2), "{done:?}");
    let people =
        rep.list_contacts(&ListQuery::new().param("customer_id", acme.id.to_string()).sort("name")).await.unwrap();
    let li = people.data.iter().find(|c| c.name == "李雷").unwrap();
    assert!(li.is_primary);
    assert_eq!(li.birthday.map(|b| b.to_string()).as_deref(), Some("1990-05-17"));
    let han = people.data.iter().find(|c| c.name == "韩梅梅").unwrap();
    assert!(han.do_not_contact.sms && !han.is_primary);

    // Exported, the contacts import again as they are; the other rep's export is empty.
    let exported = String::from_utf8(rep.export_contacts(&ListQuery::new().sort("name")).await.unwrap()).unwrap();
    assert_eq!(exported.lines().count(), 3, "{exported}");
    assert!(exported.contains("139 1234 5678") && exported.contains("1990-05-17"));
    let again = import_resource(&rep, ImportResource::Contacts, &exported, true).await;
    assert_eq!((again.status, again.error_count, again.created_rows), (ImportStatus::Succeeded, 0, 2), "{again:?}");
    let theirs = String::from_utf8(other.export_contacts(&ListQuery::new()).await.unwrap()).unwrap();
    assert_eq!(theirs.lines().count(), 1);
    app.stop().await;
}

async fn import_resource(client: &Client, resource: ImportResource, csv: &str, dry_run: bool) -> Import {
    let job = client.start_import(resource, dry_run, csv.as_bytes().to_vec()).await.unwrap();
    wait(client, &job).await
}

#[actix_web::test]
async fn a_hundred_thousand_rows_import_as_one_job_with_progress() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let n = 100_000;
    let mut csv = String::with_capacity(n * 60);
    csv.push_str("name,level,phone,email,external_id\n");
    for i in 0..n {
        csv.push_str(&format!(
            "Customer {i:06},b,+86 138 {:04} {:04},c{i}@example.com,X-{i}\n",
            i / 10_000,
            i % 10_000
        ));
    }
    let started = Instant::now();
    let job = admin.start_import(ImportResource::Customers, false, csv.into_bytes()).await.unwrap();
    // Progress is visible while the job runs.
    let mut seen_progress = false;
    let mut checked_after = None;
    let done = loop {
        let now = admin.get_import(&job.id.to_string()).await.unwrap();
        if now.phase != ImportPhase::Checking && checked_after.is_none() {
            checked_after = Some(started.elapsed());
        }
        seen_progress |= now.processed_rows > 0 && now.processed_rows < n as i64;
        if matches!(now.status, ImportStatus::Succeeded | ImportStatus::Failed) {
            break now;
        }
        assert!(started.elapsed() < Duration::from_secs(900));
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!((done.status, done.created_rows, done.error_count), (ImportStatus::Succeeded, n as i64, 0), "{done:?}");
    assert!(seen_progress, "no progress was seen between 0 and {n}");
    assert_eq!(count(&admin).await, n as i64);
    let found = admin.list_customers(&ListQuery::new().search("Customer 099999")).await.unwrap();
    assert_eq!(found.data.len(), 1);
    eprintln!("imported {n} rows on {:?} in {:?} (checked after {checked_after:?})", app.backend, started.elapsed());
    app.stop().await;
}
