//! The `kehu` command: `serve`, `migrate`, `openapi`.

// The command prints what it was asked for (help, the API document, the first admin's password).
#![allow(clippy::print_stdout)]

use std::process::ExitCode;

use kehu_api::app;
use kehu_api::config::Config;
use kehu_api::telemetry;

const USAGE: &str = "\
kehu — customer relationship management

Usage:
  kehu serve            start the API and web app (default)
  kehu migrate          apply database migrations and exit
  kehu openapi [FILE]   write the OpenAPI document to FILE (or standard output)
  kehu help             show this text

Configuration comes from KEHU_* environment variables (see README.md),
optionally from a TOML file named by KEHU_CONFIG.";

#[actix_web::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or("serve");
    let result = match command {
        "serve" => serve().await,
        "migrate" => migrate().await,
        "openapi" => openapi(args.get(1).map(String::as_str)),
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kehu: {e}");
            ExitCode::FAILURE
        }
    }
}

fn config() -> Result<Config, String> {
    let config = Config::from_env().map_err(|e| e.to_string())?;
    telemetry::init(&config);
    Ok(config)
}

async fn serve() -> Result<(), String> {
    let config = config()?;
    tracing::info!(config = ?config, "starting");
    let (state, admin) = app::prepare(&config).await.map_err(|e| e.to_string())?;
    if let Some(admin) = admin {
        match admin.generated_password {
            // Shown once on the terminal, on purpose outside the logs, which may be shipped.
            Some(password) => println!(
                "\nCreated the first administrator.\n  email:    {}\n  password: {password}\nSign in and keep it safe; it is not shown again.\n",
                admin.email
            ),
            None => tracing::info!(email = %admin.email, "created the first administrator"),
        }
    }
    let (server, addr) = app::bind(state).map_err(|e| e.to_string())?;
    tracing::info!(%addr, "listening on http://{addr}");
    server.await.map_err(|e| e.to_string())?;
    tracing::info!("stopped");
    Ok(())
}

async fn migrate() -> Result<(), String> {
    let config = config()?;
    app::prepare(&config).await.map_err(|e| e.to_string())?;
    Ok(())
}

fn openapi(file: Option<&str>) -> Result<(), String> {
    let json = kehu_api::routes::openapi_json().map_err(|e| e.to_string())?;
    match file {
        Some(path) => std::fs::write(path, json).map_err(|e| format!("{path}: {e}")),
        None => {
            print!("{json}");
            Ok(())
        }
    }
}
