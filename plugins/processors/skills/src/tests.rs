use super::*;

fn names(text: &str) -> Vec<&'static str> {
    find(text, usize::MAX)
}

#[test]
fn go_is_not_found_inside_other_words_or_as_the_english_verb() {
    assert!(names("Experience with Google Cloud and MongoDB").contains(&"Google Cloud"));
    assert!(!names("Experience with Google Cloud and MongoDB").contains(&"Go"));
    assert_eq!(names("We started two years ago."), Vec::<&str>::new());
    assert_eq!(
        names("You will go above and beyond; ready to go!"),
        Vec::<&str>::new()
    );
    assert_eq!(
        names("Go-to-market experience, go-live support"),
        Vec::<&str>::new()
    );
    assert_eq!(names("Go beyond the spec.\nGo for it."), Vec::<&str>::new());
    assert_eq!(names("ALGORITHMS and ergonomics"), ["Algorithms"]);
}

#[test]
fn go_is_found_as_the_language() {
    assert_eq!(names("Our services are written in Go."), ["Go"]);
    assert_eq!(names("golang, gRPC"), ["Go", "gRPC"]);
    assert_eq!(names("Go developer wanted"), ["Go"]);
    assert_eq!(names("- Go, Rust or C++"), ["Go", "Rust", "C++"]);
    assert_eq!(names("Backend (Go) engineer"), ["Go"]);
    assert_eq!(names("Strong Go lang skills"), ["Go"]);
    assert_eq!(names("Skills:\nGo / Kubernetes"), ["Go", "Kubernetes"]);
    assert_eq!(names("Requirements\n- Go\n- Docker"), ["Go", "Docker"]);
    assert_eq!(names("Go.\nC"), ["Go", "C"], "alone on their lines");
}

#[test]
fn java_and_javascript_are_different_skills() {
    assert_eq!(
        names("JavaScript and TypeScript"),
        ["JavaScript", "TypeScript"]
    );
    assert_eq!(names("Java, JavaScript"), ["Java", "JavaScript"]);
    assert_eq!(names("Node.js backends"), ["Node.js"]);
    assert!(!names("import java.util.List").contains(&"Java"));
}

#[test]
fn punctuation_bearing_names() {
    assert_eq!(names("C++17, C#10 and .NET 8"), ["C++", "C#", ".NET"]);
    assert_eq!(names("Cpp or csharp"), ["C++", "C#"]);
    assert_eq!(names("Modern C++ and C#; .NET Core"), ["C++", "C#", ".NET"]);
    assert_eq!(names("C, C++ and Python"), ["C", "C++", "Python"]);
    assert_eq!(names("Built CI/CD pipelines"), ["CI/CD"]);
    assert_eq!(names("ASP.NET MVC"), ["ASP.NET", ".NET"]);
    assert_eq!(names("Plan C is a fallback."), Vec::<&str>::new());
    assert_eq!(names("C-level stakeholders"), Vec::<&str>::new());
}

#[test]
fn aliases_collapse_to_one_canonical_name() {
    assert_eq!(
        names("Postgres (PostgreSQL 15), k8s and Kubernetes, JS"),
        ["PostgreSQL", "Kubernetes", "JavaScript"]
    );
    assert_eq!(
        names("machine   learning with PyTorch"),
        ["Machine Learning", "PyTorch"]
    );
}

#[test]
fn english_words_need_their_capitals_or_context() {
    assert_eq!(names("We react quickly to incidents"), Vec::<&str>::new());
    assert_eq!(names("Frontend in React and Redux"), ["React", "Redux"]);
    assert_eq!(
        names("Excel at ownership.\nExcel in a team."),
        Vec::<&str>::new()
    );
    assert_eq!(names("Advanced Excel and SQL"), ["Excel", "SQL"]);
    assert_eq!(names("swift delivery"), Vec::<&str>::new());
    assert_eq!(names("iOS apps in Swift"), ["iOS", "Swift"]);
}

#[test]
fn order_is_first_appearance_and_limit_applies() {
    assert_eq!(
        names("Rust and Python; later Rust again"),
        ["Rust", "Python"]
    );
    assert_eq!(
        find("Docker, Kubernetes, Terraform", 2),
        ["Docker", "Kubernetes"]
    );
    assert!(mentions("kubernetes", "Kubernetes"));
    assert!(!mentions("Rust", "Go"));
}

#[test]
fn the_table_is_consistent() {
    let mut seen = std::collections::HashSet::new();
    for skill in SKILLS {
        assert!(seen.insert(skill.name), "{} is listed twice", skill.name);
        assert!(!skill.aliases.is_empty(), "{} has no spelling", skill.name);
        for (alias, rule) in skill.aliases {
            if *rule == Rule::Word {
                assert_eq!(
                    *alias,
                    alias.to_ascii_lowercase(),
                    "{alias}: Word aliases are lower-case"
                );
            }
            assert_eq!(alias.trim(), *alias);
        }
    }
    assert!(SKILLS.len() >= 250, "{}", SKILLS.len());
}
