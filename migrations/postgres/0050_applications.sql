-- Apply Workspace: applications and their outcome feedback (reference §4.7). The
-- earlier backend created both tables itself, so an adopted database may hold them
-- with rows: they are created only when missing and the later columns added. The
-- learning summary of pack generation reads the feedback; the tracker routes write both.

CREATE TABLE IF NOT EXISTS applications (
    application_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID REFERENCES users(user_id) ON DELETE CASCADE,
    apply_pack_id UUID REFERENCES apply_packs(apply_pack_id) ON DELETE SET NULL,
    job_target_id UUID REFERENCES job_targets(job_target_id) ON DELETE SET NULL,
    status TEXT NOT NULL DEFAULT 'applied'
        CHECK (status IN ('applied', 'interview', 'offer', 'rejected', 'withdrawn')),
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    interview_at TIMESTAMPTZ,
    offer_at TIMESTAMPTZ,
    rejected_at TIMESTAMPTZ,
    notes TEXT,
    reminder_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ DEFAULT now(),
    updated_at TIMESTAMPTZ DEFAULT now()
);

ALTER TABLE applications ADD COLUMN IF NOT EXISTS contact_email TEXT;
ALTER TABLE applications ADD COLUMN IF NOT EXISTS contact_linkedin_url TEXT;
ALTER TABLE applications ADD COLUMN IF NOT EXISTS contact_phone TEXT;

CREATE INDEX IF NOT EXISTS idx_applications_user_id ON applications(user_id);
CREATE INDEX IF NOT EXISTS idx_applications_status ON applications(status);
CREATE INDEX IF NOT EXISTS idx_applications_applied_at ON applications(applied_at DESC);
CREATE INDEX IF NOT EXISTS idx_applications_reminder_at ON applications(reminder_at) WHERE reminder_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS application_feedback (
    feedback_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    application_id UUID REFERENCES applications(application_id) ON DELETE CASCADE,
    feedback_type TEXT NOT NULL
        CHECK (feedback_type IN ('rejection', 'shortlisted', 'offer', 'no_response', 'withdrawn')),
    raw_text TEXT,
    parsed_json JSONB,
    created_at TIMESTAMPTZ DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_application_feedback_application_id ON application_feedback(application_id);
CREATE INDEX IF NOT EXISTS idx_application_feedback_type ON application_feedback(feedback_type);
CREATE INDEX IF NOT EXISTS idx_application_feedback_created_at ON application_feedback(created_at DESC);
