//! `admin:` in site.yaml: the browser editor (`admin/`, issue 22). Left out, the build
//! writes it for Netlify's Git Gateway on the `main` branch; `admin: off` writes none;
//! a mapping names the Git host staff sign in with:
//!
//! ```yaml
//! admin:
//!   backend: github        # github, gitlab or git-gateway
//!   repo: clinic/website   # owner/name, for github and gitlab
//!   branch: main           # written into the editor's settings: Decap's own default is `master`
//!   local_backend: 8081    # the port `npx decap-server` listens on (8081 unless PORT says otherwise)
//! ```

use serde::Deserialize;

use super::FILE_NAME;
use crate::error::Diagnostic;
use crate::yaml;

/// Where the editor reads and saves the site's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Backend {
    /// A GitHub repository (`github`).
    #[serde(rename = "github")]
    GitHub,
    /// A GitLab repository (`gitlab`).
    #[serde(rename = "gitlab")]
    GitLab,
    /// Netlify's Git Gateway (`git-gateway`), the default.
    #[serde(rename = "git-gateway")]
    GitGateway,
}

impl Backend {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Backend::GitHub => "github",
            Backend::GitLab => "gitlab",
            Backend::GitGateway => "git-gateway",
        }
    }
}

/// The editor's settings, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admin {
    /// Where the editor reads and saves the site's files (`backend:`).
    pub backend: Backend,
    /// `owner/name` (GitHub, GitLab); None for Git Gateway.
    pub repo: Option<String>,
    /// The branch the editor reads and saves to (`branch:`, `main` when left out).
    pub branch: String,
    /// The port of the local backend (`decap-server`) the editor uses when it is opened
    /// on `localhost` or `127.0.0.1`.
    pub local_port: u16,
}

impl Default for Admin {
    fn default() -> Self {
        Admin { backend: Backend::GitGateway, repo: None, branch: "main".into(), local_port: 8081 }
    }
}

/// `admin:` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Settings {
    #[serde(default)]
    backend: Option<Backend>,
    #[serde(default)]
    repo: Option<String>,
    #[serde(default)]
    branch: Option<String>,
    #[serde(default)]
    local_backend: Option<u16>,
}

/// What a repository name looks like: `owner/name` (GitLab allows subgroups).
const REPO_PATTERN: &str = r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$";

const HELP: &str = "write `admin: off`, or `admin:` with `backend: github` (or `gitlab`, `git-gateway`), \
`repo: owner/name` and `branch: main`; see the README, \"Editing in the browser\"";

/// `admin:` (`value`, in the file `text`): None when switched off; every problem at its line.
pub(super) fn parse(value: &crate::yaml::Value, text: &str, problems: &mut Vec<Diagnostic>) -> Option<Admin> {
    use crate::yaml::Value;
    let mut problem = |key: &str, message: String| {
        let (line, col) = yaml::locate_key(text, key).or_else(|| yaml::locate_key(text, "admin")).unwrap_or((1, 1));
        problems.push(Diagnostic::error(FILE_NAME, line, col, message).with_help(HELP).with_source(text));
    };
    let settings: Settings = match value {
        Value::Null => return Some(Admin::default()),
        Value::Bool(false) => return None,
        Value::String(s) if matches!(s.as_str(), "off" | "none") => return None,
        Value::Mapping(_) => match crate::yaml::from_value(value.clone()) {
            Ok(settings) => settings,
            Err(e) => {
                let words = e.to_string().replace(" field", " key").replace("variant", "value");
                problem("admin", format!("`admin:` is not as expected: {words}"));
                return None;
            }
        },
        _ => {
            problem("admin", "`admin:` should be `off` or the editor's settings".into());
            return None;
        }
    };
    let backend = settings.backend.unwrap_or(Backend::GitGateway);
    let repo = settings.repo.filter(|r| !r.trim().is_empty());
    let valid_repo = regex::Regex::new(REPO_PATTERN).expect("the pattern compiles");
    match &repo {
        None if backend != Backend::GitGateway => {
            problem("backend", format!("`backend: {}` needs the repository: `repo: owner/name`", backend.name()))
        }
        Some(r) if !valid_repo.is_match(r) => {
            problem("repo", format!("`repo: {r}` is not a repository name like `clinic/website`"))
        }
        _ => {}
    }
    let branch = settings.branch.unwrap_or_else(|| "main".into());
    if branch.trim().is_empty() || branch.contains(char::is_whitespace) {
        problem("branch", format!("`branch: {branch}` is not a branch name like `main`"));
    }
    let local_port = settings.local_backend.unwrap_or(8081);
    if local_port == 0 {
        problem("local_backend", "`local_backend: 0` is not a port: decap-server listens on 8081 by default".into());
    }
    Some(Admin { backend, repo, branch, local_port })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(yaml_value: &str) -> (Option<Admin>, Vec<Diagnostic>) {
        let text = format!("title: T\nadmin: {yaml_value}\n");
        let value: crate::yaml::Value = crate::yaml::from_str(yaml_value).unwrap();
        let mut problems = Vec::new();
        (parse(&value, &text, &mut problems), problems)
    }

    #[test]
    fn admin_is_on_by_default_and_off_when_asked() {
        assert_eq!(parse(&crate::yaml::Value::Null, "", &mut Vec::new()), Some(Admin::default()));
        assert_eq!(parsed("off").0, None);
        assert_eq!(parsed("false").0, None);
        let (admin, problems) = parsed("{ backend: github, repo: clinic/site, branch: live, local_backend: 8090 }");
        assert!(problems.is_empty(), "{problems:?}");
        let admin = admin.unwrap();
        assert_eq!(
            (admin.backend, admin.repo.as_deref(), admin.branch.as_str()),
            (Backend::GitHub, Some("clinic/site"), "live")
        );
        assert_eq!(admin.local_port, 8090);
    }

    #[test]
    fn a_git_host_without_a_repository_is_an_error_at_its_line() {
        let (_, problems) = parsed("{ backend: gitlab }");
        assert!(problems[0].message.contains("needs the repository"), "{problems:?}");
        let (_, problems) = parsed("{ backend: github, repo: \"not a repo\" }");
        assert!(problems[0].message.contains("not a repository name"), "{problems:?}");
        let (_, problems) = parsed("{ backend: bitbucket }");
        assert!(problems[0].message.contains("unknown value `bitbucket`"), "{problems:?}");
        let (_, problems) = parsed("{ backedn: github }");
        assert!(problems[0].message.contains("unknown key `backedn`"), "{problems:?}");
    }
}
