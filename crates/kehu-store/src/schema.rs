//! Table definitions, shared by both backends. Ids use [`crate::types::DbUuid`].

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    users (id) {
        id -> DbUuid,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        role -> Text,
        team_id -> Nullable<DbUuid>,
        locale -> Text,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Nullable<DbUuid>,
        updated_by -> Nullable<DbUuid>,
        deleted_at -> Nullable<Timestamp>,
        max_discount_e4 -> BigInt,
        pool_cap -> Nullable<Integer>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    teams (id) {
        id -> DbUuid,
        name -> Text,
        parent_id -> Nullable<DbUuid>,
        manager_id -> Nullable<DbUuid>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Nullable<DbUuid>,
        updated_by -> Nullable<DbUuid>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    audit_events (id) {
        id -> DbUuid,
        entity -> Text,
        entity_id -> DbUuid,
        action -> Text,
        actor_id -> Nullable<DbUuid>,
        api_key_id -> Nullable<DbUuid>,
        request_id -> Nullable<Text>,
        changes -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    idempotency_keys (owner_id, key) {
        owner_id -> DbUuid,
        key -> Text,
        request_hash -> Text,
        state -> Text,
        response_status -> Nullable<Integer>,
        response_body -> Nullable<Text>,
        location -> Nullable<Text>,
        etag -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    refresh_tokens (id) {
        id -> DbUuid,
        user_id -> DbUuid,
        family_id -> DbUuid,
        token_hash -> Text,
        expires_at -> Timestamp,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    server_secrets (name) {
        name -> Text,
        value -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    counters (name, year) {
        name -> Text,
        year -> Integer,
        value -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    quotes (id) {
        id -> DbUuid,
        number -> Text,
        revision -> Integer,
        customer_id -> DbUuid,
        lead_id -> Nullable<DbUuid>,
        contact_id -> Nullable<DbUuid>,
        status -> Text,
        currency -> Text,
        valid_until -> Nullable<Date>,
        terms -> Nullable<Text>,
        subtotal_e4 -> BigInt,
        discount_total_e4 -> BigInt,
        tax_total_e4 -> BigInt,
        total_e4 -> BigInt,
        max_discount_e4 -> BigInt,
        purchase_id -> Nullable<DbUuid>,
        owner_id -> DbUuid,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Nullable<DbUuid>,
        updated_by -> Nullable<DbUuid>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    quote_lines (id) {
        id -> DbUuid,
        quote_id -> DbUuid,
        position -> Integer,
        product_id -> Nullable<DbUuid>,
        description -> Text,
        quantity_e4 -> BigInt,
        unit_price_e4 -> BigInt,
        discount_e4 -> BigInt,
        tax_rate_e4 -> BigInt,
        net_e4 -> BigInt,
        tax_e4 -> BigInt,
        total_e4 -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    purchases (id) {
        id -> DbUuid,
        number -> Text,
        customer_id -> DbUuid,
        quote_id -> Nullable<DbUuid>,
        status -> Text,
        order_date -> Date,
        due_date -> Nullable<Date>,
        currency -> Text,
        subtotal_e4 -> BigInt,
        discount_total_e4 -> BigInt,
        tax_total_e4 -> BigInt,
        total_e4 -> BigInt,
        paid_e4 -> BigInt,
        refunded_e4 -> BigInt,
        returned_e4 -> BigInt,
        balance_e4 -> BigInt,
        owner_id -> DbUuid,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Nullable<DbUuid>,
        updated_by -> Nullable<DbUuid>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    purchase_lines (id) {
        id -> DbUuid,
        purchase_id -> DbUuid,
        position -> Integer,
        product_id -> Nullable<DbUuid>,
        description -> Text,
        quantity_e4 -> BigInt,
        unit_price_e4 -> BigInt,
        discount_e4 -> BigInt,
        tax_rate_e4 -> BigInt,
        net_e4 -> BigInt,
        tax_e4 -> BigInt,
        total_e4 -> BigInt,
        returned_e4 -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    purchase_payments (id) {
        id -> DbUuid,
        purchase_id -> DbUuid,
        amount_e4 -> BigInt,
        paid_on -> Date,
        method -> Text,
        reference -> Nullable<Text>,
        created_at -> Timestamp,
        created_by -> Nullable<DbUuid>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    purchase_returns (id) {
        id -> DbUuid,
        purchase_id -> DbUuid,
        returned_value_e4 -> BigInt,
        refund_e4 -> BigInt,
        reason -> Nullable<Text>,
        returned_on -> Date,
        created_at -> Timestamp,
        created_by -> Nullable<DbUuid>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    purchase_return_lines (id) {
        id -> DbUuid,
        return_id -> DbUuid,
        line_id -> DbUuid,
        quantity_e4 -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    complaints (id) {
        id -> DbUuid,
        number -> Text,
        customer_id -> DbUuid,
        contact_id -> Nullable<DbUuid>,
        purchase_id -> Nullable<DbUuid>,
        channel -> Text,
        category -> Text,
        priority -> Text,
        subject -> Text,
        description -> Nullable<Text>,
        status -> Text,
        assignee_id -> Nullable<DbUuid>,
        sla_started_at -> Timestamp,
        first_response_due_at -> Timestamp,
        resolution_due_at -> Timestamp,
        due_at -> Timestamp,
        first_responded_at -> Nullable<Timestamp>,
        resolved_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        response_breached -> Bool,
        resolution_breached -> Bool,
        escalation_level -> Integer,
        escalated_to_id -> Nullable<DbUuid>,
        resolution -> Nullable<Text>,
        satisfaction -> Nullable<Integer>,
        satisfaction_comment -> Nullable<Text>,
        reopen_count -> Integer,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Nullable<DbUuid>,
        updated_by -> Nullable<DbUuid>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    complaint_comments (id) {
        id -> DbUuid,
        complaint_id -> DbUuid,
        body -> Text,
        author_id -> Nullable<DbUuid>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(refresh_tokens -> users (user_id));

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    login_attempts (id) {
        id -> DbUuid,
        email -> Text,
        address -> Text,
        succeeded -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    api_keys (id) {
        id -> DbUuid,
        owner_id -> DbUuid,
        name -> Text,
        prefix -> Text,
        secret_hash -> Text,
        scopes -> Text,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        created_by -> Nullable<DbUuid>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    customers (id) {
        id -> DbUuid,
        kind -> Text,
        name -> Text,
        industry -> Nullable<Text>,
        level -> Nullable<Text>,
        category -> Nullable<Text>,
        lifecycle_stage -> Text,
        source -> Nullable<Text>,
        owner_id -> Nullable<DbUuid>,
        owned_at -> Nullable<Timestamp>,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        website -> Nullable<Text>,
        address -> Text,
        tax_id -> Nullable<Text>,
        credit_rating -> Nullable<Text>,
        tags -> Text,
        custom_fields -> Text,
        external_id -> Nullable<Text>,
        value_tier -> Nullable<Text>,
        last_activity_at -> Nullable<Timestamp>,
        search_text -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Nullable<DbUuid>,
        updated_by -> Nullable<DbUuid>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    customer_tags (customer_id, tag) {
        customer_id -> DbUuid,
        tag -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    outbox_events (id) {
        id -> DbUuid,
        event_type -> Text,
        entity -> Text,
        entity_id -> DbUuid,
        data -> Text,
        actor_id -> Nullable<DbUuid>,
        request_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    contacts (id) {
        id -> DbUuid,
        customer_id -> DbUuid,
        name -> Text,
        title -> Nullable<Text>,
        department -> Nullable<Text>,
        phone -> Nullable<Text>,
        mobile -> Nullable<Text>,
        email -> Nullable<Text>,
        birthday -> Nullable<Date>,
        preferred_channel -> Nullable<Text>,
        do_not_contact -> Text,
        is_primary -> Bool,
        notes -> Nullable<Text>,
        custom_fields -> Text,
        search_text -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Nullable<DbUuid>,
        updated_by -> Nullable<DbUuid>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    activities (id) {
        id -> DbUuid,
        kind -> Text,
        subject -> Text,
        body -> Nullable<Text>,
        customer_id -> DbUuid,
        contact_id -> Nullable<DbUuid>,
        lead_id -> Nullable<DbUuid>,
        quote_id -> Nullable<DbUuid>,
        purchase_id -> Nullable<DbUuid>,
        complaint_id -> Nullable<DbUuid>,
        owner_id -> DbUuid,
        due_at -> Nullable<Timestamp>,
        done_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Nullable<DbUuid>,
        updated_by -> Nullable<DbUuid>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    settings (id) {
        id -> Integer,
        document -> Text,
        version -> BigInt,
        updated_at -> Timestamp,
        updated_by -> Nullable<DbUuid>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    customer_match_keys (customer_id, kind, value) {
        customer_id -> DbUuid,
        kind -> Text,
        value -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    imports (id) {
        id -> DbUuid,
        resource -> Text,
        dry_run -> Bool,
        status -> Text,
        phase -> Text,
        processed_rows -> BigInt,
        created_rows -> BigInt,
        updated_rows -> BigInt,
        error_count -> BigInt,
        errors -> Text,
        message -> Nullable<Text>,
        created_by -> DbUuid,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    products (id) {
        id -> DbUuid,
        sku -> Text,
        sku_key -> Text,
        name -> Text,
        unit -> Text,
        currency -> Text,
        list_price_e4 -> BigInt,
        cost_e4 -> Nullable<BigInt>,
        active -> Bool,
        search_text -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Nullable<DbUuid>,
        updated_by -> Nullable<DbUuid>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    leads (id) {
        id -> DbUuid,
        title -> Text,
        customer_id -> Nullable<DbUuid>,
        prospect_company -> Nullable<Text>,
        prospect_contact -> Nullable<Text>,
        prospect_phone -> Nullable<Text>,
        prospect_email -> Nullable<Text>,
        source -> Nullable<Text>,
        stage -> Text,
        probability -> Integer,
        amount_e4 -> Nullable<BigInt>,
        currency -> Nullable<Text>,
        expected_close_date -> Nullable<Date>,
        owner_id -> DbUuid,
        competitor -> Nullable<Text>,
        next_step -> Nullable<Text>,
        lost_reason -> Nullable<Text>,
        stage_entered_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
        search_text -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Nullable<DbUuid>,
        updated_by -> Nullable<DbUuid>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::types::DbUuid;

    lead_stages (id) {
        id -> DbUuid,
        lead_id -> DbUuid,
        stage -> Text,
        entered_at -> Timestamp,
        entered_by -> Nullable<DbUuid>,
    }
}

diesel::joinable!(customer_tags -> customers (customer_id));
diesel::joinable!(contacts -> customers (customer_id));
diesel::joinable!(lead_stages -> leads (lead_id));
diesel::allow_tables_to_appear_in_same_query!(
    users,
    refresh_tokens,
    teams,
    customers,
    customer_tags,
    contacts,
    activities,
    products,
    leads,
    lead_stages,
    counters,
    quotes,
    quote_lines,
    purchases,
    purchase_lines,
    purchase_payments,
    purchase_returns,
    purchase_return_lines,
    complaints,
    complaint_comments
);
