//! Query rotations for scheduled scrapes (`JOBSCOUT_SCHEDULED_QUERIES_PRESET`).

/// 60 core software titles.
pub const TECH_CORE_60: [&str; 60] = [
    "software engineer",
    "backend engineer",
    "frontend engineer",
    "full stack engineer",
    "python developer",
    "rust developer",
    "golang developer",
    "java developer",
    "javascript developer",
    "typescript developer",
    "react developer",
    "node.js developer",
    "ruby on rails developer",
    "php developer",
    "c++ developer",
    ".net developer",
    "ios developer",
    "android developer",
    "mobile engineer",
    "devops engineer",
    "site reliability engineer",
    "platform engineer",
    "cloud engineer",
    "infrastructure engineer",
    "kubernetes engineer",
    "data engineer",
    "data scientist",
    "machine learning engineer",
    "ai engineer",
    "mlops engineer",
    "analytics engineer",
    "data analyst",
    "database administrator",
    "security engineer",
    "application security engineer",
    "qa engineer",
    "qa automation engineer",
    "test automation engineer",
    "sdet",
    "embedded software engineer",
    "firmware engineer",
    "game developer",
    "blockchain developer",
    "solutions architect",
    "software architect",
    "engineering manager",
    "tech lead",
    "staff engineer",
    "principal engineer",
    "developer advocate",
    "technical writer",
    "automation engineer",
    "integration engineer",
    "api developer",
    "salesforce developer",
    "sap consultant",
    "erp developer",
    "network engineer",
    "systems engineer",
    "linux administrator",
];

/// The core titles plus 60 adjacent product, data, design and go-to-market roles.
pub const TECH_PLUS_EXTRA_60: [&str; 60] = [
    "product manager",
    "technical product manager",
    "product owner",
    "product designer",
    "ux designer",
    "ui designer",
    "ux researcher",
    "design engineer",
    "graphic designer",
    "content designer",
    "project manager",
    "program manager",
    "scrum master",
    "agile coach",
    "delivery manager",
    "business analyst",
    "business intelligence analyst",
    "bi developer",
    "data architect",
    "data governance analyst",
    "it support engineer",
    "help desk technician",
    "it manager",
    "it administrator",
    "cybersecurity analyst",
    "soc analyst",
    "penetration tester",
    "cloud architect",
    "aws engineer",
    "azure engineer",
    "gcp engineer",
    "release engineer",
    "build engineer",
    "performance engineer",
    "reliability engineer",
    "customer success manager",
    "solutions engineer",
    "sales engineer",
    "technical account manager",
    "support engineer",
    "growth marketer",
    "marketing manager",
    "digital marketing manager",
    "seo specialist",
    "content marketer",
    "product marketing manager",
    "community manager",
    "technical recruiter",
    "people operations",
    "operations manager",
    "computer vision engineer",
    "nlp engineer",
    "research scientist",
    "robotics engineer",
    "hardware engineer",
    "electrical engineer",
    "quantitative developer",
    "quantitative analyst",
    "fintech engineer",
    "crm developer",
];

/// The rotation list of a preset name, or `None` for an unknown name.
pub fn preset(name: &str) -> Option<Vec<&'static str>> {
    match name {
        "tech_core_60" => Some(TECH_CORE_60.to_vec()),
        "tech_plus_120" => Some(
            TECH_CORE_60
                .iter()
                .chain(TECH_PLUS_EXTRA_60.iter())
                .copied()
                .collect(),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_have_their_advertised_sizes_without_duplicates() {
        for (name, size) in [("tech_core_60", 60), ("tech_plus_120", 120)] {
            let list = preset(name).unwrap();
            assert_eq!(list.len(), size, "{name}");
            let unique: std::collections::HashSet<_> = list.iter().collect();
            assert_eq!(unique.len(), size, "{name} has duplicates");
        }
        assert!(preset("tech_max_999").is_none());
    }
}
