//! Pieces shared by several pages.

pub mod clipboard;
pub mod custom_fields;
pub mod dialog;
pub mod download;
pub mod feed;
pub mod form;
pub mod icons;
pub mod lang_switch;
pub mod list;
pub mod money;
pub mod notice;
pub mod shell;
pub mod splash;
pub mod states;
pub mod time;

pub use lang_switch::LangSwitch;
pub use shell::Shell;
pub use splash::Splash;
