//! Every string the user reads, in each language the app speaks. Keys are an enum and each language
//! matches on all of them, so a missing translation fails the build instead of showing a blank.
//!
//! The choice is remembered in `localStorage`; without one, the browser's language decides.

mod en;
mod key;
mod zh_cn;

pub use key::Key;

use kehu_core::activity::ActivityKind;
use kehu_core::contact::ContactChannel;
use kehu_core::customer::{CustomerKind, CustomerLevel, CustomerSource, LifecycleStage};
use kehu_core::user::{Locale, Role};
use leptos::prelude::*;

const STORAGE_KEY: &str = "kehu.lang";

/// A language the web app speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    ZhCn,
}

impl Lang {
    /// The BCP 47 tag, as stored and as set on `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        [Lang::En, Lang::ZhCn].into_iter().find(|l| l.code() == code)
    }

    /// The account setting that stands for this language.
    pub fn locale(self) -> Locale {
        match self {
            Lang::En => Locale::En,
            Lang::ZhCn => Locale::ZhCn,
        }
    }

    /// The language a two-way switch offers from this one.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::ZhCn,
            Lang::ZhCn => Lang::En,
        }
    }

    pub fn text(self, key: Key) -> &'static str {
        match self {
            Lang::En => en::text(key),
            Lang::ZhCn => zh_cn::text(key),
        }
    }

    fn detect() -> Lang {
        let window = window();
        let stored = local_storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
        if let Some(lang) = stored.as_deref().and_then(Lang::from_code) {
            return lang;
        }
        match window.navigator().language() {
            Some(tag) if tag.to_ascii_lowercase().starts_with("zh") => Lang::ZhCn,
            _ => Lang::En,
        }
    }
}

/// Private browsing and locked-down profiles may refuse storage; the app then just forgets.
fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// The app's current language, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    /// Picks the starting language and keeps `<html lang>` in step, so screen readers and
    /// fonts follow the switch.
    pub fn provide() -> I18n {
        let i18n = I18n { lang: RwSignal::new(Lang::detect()) };
        Effect::new(move |_| {
            let lang = i18n.lang.get();
            if let Some(root) = document().document_element() {
                let _ = root.set_attribute("lang", lang.code());
            }
            document().set_title(lang.text(Key::BrandName));
        });
        provide_context(i18n);
        i18n
    }

    pub fn lang(&self) -> Lang {
        self.lang.get()
    }

    pub fn lang_untracked(&self) -> Lang {
        self.lang.get_untracked()
    }

    /// The string for `key` in the current language; reactive inside a view.
    pub fn t(&self, key: Key) -> &'static str {
        self.lang.get().text(key)
    }

    pub fn set(&self, lang: Lang) {
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(STORAGE_KEY, lang.code());
        }
        self.lang.set(lang);
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// The string for `key` in the current language, as a view or attribute that follows a switch.
/// Every use shares one closure type, which keeps the compiled app small.
pub fn tr(key: Key) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || i18n.t(key)
}

impl Key {
    /// What to tell the user about a failed call: the problem's stable code decides, never the
    /// server's English message.
    pub fn for_error(err: &kehu_client::ClientError) -> Key {
        use kehu_client::ClientError;
        use kehu_core::ErrorCode;
        match err {
            ClientError::Api(problem) => match problem.code {
                ErrorCode::InvalidCredentials => Key::ErrInvalidCredentials,
                ErrorCode::RateLimited => Key::ErrRateLimited,
                ErrorCode::ValidationFailed
                | ErrorCode::MalformedRequest
                | ErrorCode::UnknownField
                | ErrorCode::InvalidParameter => Key::ErrInvalidInput,
                ErrorCode::Unauthenticated | ErrorCode::InvalidRefreshToken => Key::ErrSessionExpired,
                ErrorCode::Forbidden => Key::ErrForbidden,
                ErrorCode::NotFound => Key::ErrGone,
                ErrorCode::Conflict => Key::ErrConflict,
                ErrorCode::PreconditionFailed => Key::ErrStale,
                ErrorCode::InternalError | ErrorCode::ServiceUnavailable => Key::ErrServer,
                _ => Key::ErrUnexpected,
            },
            ClientError::Transport(_) => Key::ErrNetwork,
            ClientError::Decode(_) => Key::ErrUnexpected,
        }
    }
}

/// The name of a role in the current language.
pub fn role_key(role: Role) -> Key {
    match role {
        Role::Admin => Key::RoleAdmin,
        Role::Manager => Key::RoleManager,
        Role::Sales => Key::RoleSales,
        Role::Service => Key::RoleService,
    }
}

pub fn level_key(level: CustomerLevel) -> Key {
    match level {
        CustomerLevel::A => Key::LevelA,
        CustomerLevel::B => Key::LevelB,
        CustomerLevel::C => Key::LevelC,
        CustomerLevel::D => Key::LevelD,
    }
}

/// The name of a lead's stage in the current language.
pub fn lead_stage_key(stage: kehu_core::lead::LeadStage) -> Key {
    use kehu_core::lead::LeadStage;
    match stage {
        LeadStage::New => Key::LeadStageNew,
        LeadStage::Qualified => Key::LeadStageQualified,
        LeadStage::Proposal => Key::LeadStageProposal,
        LeadStage::Negotiation => Key::LeadStageNegotiation,
        LeadStage::Won => Key::LeadStageWon,
        LeadStage::Lost => Key::LeadStageLost,
    }
}

pub fn stage_key(stage: LifecycleStage) -> Key {
    match stage {
        LifecycleStage::Prospect => Key::StageProspect,
        LifecycleStage::Active => Key::StageActive,
        LifecycleStage::Inactive => Key::StageInactive,
        LifecycleStage::Lost => Key::StageLost,
        LifecycleStage::NoNeed => Key::StageNoNeed,
    }
}

pub fn kind_key(kind: CustomerKind) -> Key {
    match kind {
        CustomerKind::Company => Key::KindCompany,
        CustomerKind::Individual => Key::KindIndividual,
    }
}

pub fn source_key(source: CustomerSource) -> Key {
    match source {
        CustomerSource::Web => Key::SourceWeb,
        CustomerSource::Referral => Key::SourceReferral,
        CustomerSource::TradeShow => Key::SourceTradeShow,
        CustomerSource::Campaign => Key::SourceCampaign,
        CustomerSource::ColdCall => Key::SourceColdCall,
        CustomerSource::Other => Key::SourceOther,
    }
}

pub fn activity_key(kind: ActivityKind) -> Key {
    match kind {
        ActivityKind::Note => Key::ActNote,
        ActivityKind::Call => Key::ActCall,
        ActivityKind::Visit => Key::ActVisit,
        ActivityKind::Meeting => Key::ActMeeting,
        ActivityKind::Email => Key::ActEmail,
        ActivityKind::Task => Key::ActTask,
    }
}

pub fn channel_key(channel: ContactChannel) -> Key {
    match channel {
        ContactChannel::Phone => Key::ChannelPhone,
        ContactChannel::Email => Key::ChannelEmail,
        ContactChannel::Sms => Key::ChannelSms,
        ContactChannel::Wechat => Key::ChannelWechat,
        ContactChannel::Visit => Key::ChannelVisit,
    }
}

/// What a duplicate was matched on (`name`, `phone`, `email`, `tax_id`).
pub fn matched_key(on: &str) -> Key {
    match on {
        "name" => Key::MatchName,
        "phone" => Key::MatchPhone,
        "email" => Key::MatchEmail,
        "tax_id" => Key::MatchTaxId,
        _ => Key::MatchOther,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_keep_their_placeholders() {
        let named = [
            Key::Greeting,
            Key::NoChanges,
            Key::UserCreated,
            Key::UserSaved,
            Key::DeactivateBody,
            Key::ReactivateBody,
            Key::UserDeactivated,
            Key::UserReactivated,
            Key::ManagedBy,
            Key::TeamCreated,
            Key::TeamSaved,
            Key::TeamDeleted,
            Key::DeleteTeamBody,
            Key::ApiKeyOwner,
            Key::RevokeKeyBody,
            Key::ApiKeyRevokedNotice,
            Key::ApiKeyCreatedTitle,
            Key::ClaimedNotice,
            Key::ReleasedNotice,
            Key::ReleaseBody,
            Key::EditCustomerTitle,
            Key::CustomerCreated,
            Key::CustomerSaved,
            Key::ContactCreated,
            Key::ContactSaved,
        ];
        let timed = [Key::LastContact, Key::DueAt];
        let dated = [
            Key::ApiKeyExpiresOn,
            Key::ApiKeyExpiredOn,
            Key::ApiKeyLastUsed,
            Key::ApiKeyRevokedOn,
            Key::ApiKeyCreatedOn,
        ];
        let counted = [Key::PasswordHint, Key::MemberCountOne, Key::MemberCount, Key::ErrPasswordTooShort];
        for lang in [Lang::En, Lang::ZhCn] {
            for key in named {
                assert!(lang.text(key).contains("{name}"), "{lang:?} {key:?}");
            }
            for key in counted {
                assert!(lang.text(key).contains("{n}"), "{lang:?} {key:?}");
            }
            for key in timed {
                assert!(lang.text(key).contains("{when}"), "{lang:?} {key:?}");
            }
            assert!(lang.text(Key::MatchedOn).contains("{fields}"));
            for key in dated {
                assert!(lang.text(key).contains("{date}"), "{lang:?} {key:?}");
            }
        }
    }

    #[test]
    fn the_switch_names_the_other_language_in_that_language() {
        assert_eq!(Lang::En.text(Key::OtherLanguage), "中文");
        assert_eq!(Lang::ZhCn.text(Key::OtherLanguage), "English");
        assert_eq!(Lang::En.other(), Lang::ZhCn);
        assert_eq!(Lang::from_code(Lang::ZhCn.code()), Some(Lang::ZhCn));
    }
}
