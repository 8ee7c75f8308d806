/// The Python project's patterns (`tools/approval.py`, hermes-agent 0.19.0), in its order and
/// with its descriptions, which are also the keys approvals are stored under.
extension CommandGuard {
    // MARK: Path fragments

    static let sshPath = #"(?:~|\$home|\$\{home\})/\.ssh(?:/|$)"#
    static let hermesEnvPath = #"(?:~\/\.hermes/|(?:\$home|\$\{home\})/\.hermes/|(?:\$hermes_home|\$\{hermes_home\})/)\.env\b"#
    static let hermesConfigPath =
        #"(?:~\/\.hermes/|(?:\$home|\$\{home\})/\.hermes/|(?:\$hermes_home|\$\{hermes_home\})/)config\.yaml\b"#
    static let projectEnvPath = #"(?:(?:/|\.{1,2}/)?(?:[^\s/"'`]+/)*\.env(?:\.[^/\s"'`]+)*)"#
    static let projectConfigPath = #"(?:(?:/|\.{1,2}/)?(?:[^\s/"'`]+/)*config\.yaml)"#
    static let shellRCFiles = #"(?:~|\$home|\$\{home\})/\.(?:bashrc|zshrc|profile|bash_profile|zprofile)\b"#
    static let credentialFiles = #"(?:~|\$home|\$\{home\})/\.(?:netrc|pgpass|npmrc|pypirc)\b"#
    static let systemConfigPath = #"(?:/etc/|/private/(?:etc|var|tmp|home)/)"#
    static let sensitiveWriteTarget =
        "(?:\(systemConfigPath)|/dev/sd|\(sshPath)|\(hermesEnvPath)|\(hermesConfigPath)|\(shellRCFiles)|\(credentialFiles))"
    static let userSensitiveWriteTarget = "(?:\(sshPath)|\(shellRCFiles)|\(credentialFiles))"
    static let projectSensitiveWriteTarget = "(?:\(projectEnvPath)|\(projectConfigPath))"
    /// The sensitive path is the last argument (a destination), not a source.
    static let commandTail = #"(?:\s*(?:&&|\|\||;).*)?$"#
    /// A stream write's target ends at a shell word boundary.
    static let writeTargetBoundary = #"(?=[\s;&|<>"']|$)"#

    /// A command position: the start, a newline (the quote-aware scan turns real separators into
    /// newlines), a backtick or `$(`, then optional `sudo`, `env VAR=…` and wrapper words.
    static let commandPosition =
        #"(?:^|[\n`]|\$\()\s*(?:sudo\s+(?:-[^\s]+\s+)*)?(?:env\s+(?:\w+=\S*\s+)*)?(?:(?:exec|nohup|setsid|time)\s+)*\s*"#

    static func hardlinePath(_ alternatives: String) -> String {
        #"(?:["'](?:"# + alternatives + #")["']|(?:"# + alternatives + #")(?:\s|$|[)`;|&]))"#
    }

    static let systemDirectories =
        #"/home|/home/\*|/root|/root/\*|/etc|/etc/\*|/usr|/usr/\*|/var|/var/\*|/bin|/bin/\*|/sbin|/sbin/\*|/boot|/boot/\*|/lib|/lib/\*"#
    static let rmFlags = commandPosition + #"rm\s+(-[^\s]*\s+)*"#

    // MARK: Hardline

    static let hardline: [(Pattern, String)] = [
        (Pattern(rmFlags + hardlinePath(#"/(?:(?:\.\.?)?/)*(?:\.\.?)?\**|/ \*"#)), "recursive delete of root filesystem"),
        (Pattern(rmFlags + hardlinePath(systemDirectories)), "recursive delete of system directory"),
        (Pattern(rmFlags + hardlinePath(#"(?:~|\$\{?HOME\}?)(?:/?|/\*)?"#)), "recursive delete of home directory"),
        (Pattern(#"\bmkfs(\.[a-z0-9]+)?\b"#), "format filesystem (mkfs)"),
        (Pattern(#"\bdd\b[^\n]*\bof=/dev/(sd|nvme|hd|mmcblk|vd|xvd)[a-z0-9]*"#), "dd to raw block device"),
        (Pattern(#">\s*/dev/(sd|nvme|hd|mmcblk|vd|xvd)[a-z0-9]*\b"#), "redirect to raw block device"),
        (Pattern(#":\(\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;\s*:"#), "fork bomb"),
        (Pattern(#"\bkill\s+(-[^\s]+\s+)*-1\b"#), "kill all processes"),
        (Pattern(commandPosition + #"(shutdown|reboot|halt|poweroff)\b"#), "system shutdown/reboot"),
        (Pattern(commandPosition + #"init\s+[06]\b"#), "init 0/6 (shutdown/reboot)"),
        (Pattern(commandPosition + #"systemctl\s+(poweroff|reboot|halt|kexec)\b"#), "systemctl poweroff/reboot"),
        (Pattern(commandPosition + #"telinit\s+[06]\b"#), "telinit 0/6 (shutdown/reboot)"),
    ]

    /// `sudo -S` written by the model: with no `SUDO_PASSWORD` configured it can only be guessing.
    static let sudoStdin = Pattern(#"(?:^|[;&|`\n]|&&|\|\||\$\()\s*sudo\s+-S\b"#, dotAll: false)

    // MARK: Dangerous

    static let shells = #"\b(bash|sh|zsh|ksh|dash)\b"#

    static let dangerous: [(Pattern, String)] = [
        (Pattern(#"\brm\s+(-[^\s]*\s+)*/"#), "delete in root path"),
        (Pattern(#"\brm\s+-[^\s]*r"#), "recursive delete"),
        (Pattern(#"\brm\s+--recursive\b"#), "recursive delete (long flag)"),
        (Pattern(#"\bcmd(?:\.exe)?\s+/(?:c|k)\s+.*\b(?:del|erase|rd|rmdir)\b"#), "Windows cmd destructive delete"),
        (
            Pattern(#"\b(?:powershell|pwsh)(?:\.exe)?\b(?:\s+-\S+)*\s+(?:-(?:command|c)\s+)?["']?(?:remove-item|rmdir|erase|del|rd|ri|rm)\b"#),
            "Windows PowerShell destructive delete"
        ),
        (Pattern(#"\b(?:powershell|pwsh)(?:\.exe)?\b.*\s-(?:encodedcommand|enc|e)\b"#), "PowerShell encoded command execution"),
        (Pattern(#"\bchmod\s+(-[^\s]*\s+)*(777|666|o\+[rwx]*w|a\+[rwx]*w)\b"#), "world/other-writable permissions"),
        (Pattern(#"\bchmod\s+--recursive\b.*(777|666|o\+[rwx]*w|a\+[rwx]*w)"#), "recursive world/other-writable (long flag)"),
        (Pattern(#"\bchown\s+(-[^\s]*)?R\s+root"#), "recursive chown to root"),
        (Pattern(#"\bchown\s+--recur[a-z]*\b.*root"#), "recursive chown to root (long flag)"),
        (Pattern(#"\bmkfs\b"#), "format filesystem"),
        (Pattern(#"\bdd\s+.*if="#), "disk copy"),
        (Pattern(#">\s*/dev/sd"#), "write to block device"),
        (Pattern(#"\bDROP\s+(TABLE|DATABASE)\b"#), "SQL DROP"),
        (Pattern(#"\bDELETE\s+FROM\b(?![^\n]*\bWHERE\b)"#), "SQL DELETE without WHERE"),
        (Pattern(#"\bTRUNCATE\s+(TABLE)?\s*\w"#), "SQL TRUNCATE"),
        (Pattern(#">\s*"# + systemConfigPath), "overwrite system config"),
        (Pattern(#"\bsystemctl\s+(-[^\s]+\s+)*(stop|restart|disable|mask)\b"#), "stop/restart system service"),
        (Pattern(#"\bkill\s+-9\s+-1\b"#), "kill all processes"),
        (Pattern(#"\bpkill\s+-9\b"#), "force kill processes"),
        (Pattern(#"\bkillall\s+(-[^\s]*\s+)*-(9|KILL|SIGKILL)\b"#), "force kill processes (killall -KILL)"),
        (Pattern(#"\bkillall\s+(-[^\s]*\s+)*-s\s+(KILL|SIGKILL|9)\b"#), "force kill processes (killall -s KILL)"),
        (Pattern(#"\bkillall\s+(-[^\s]*\s+)*-r\b"#), "kill processes by regex (killall -r)"),
        (Pattern(#":\(\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;\s*:"#), "fork bomb"),
        (Pattern(#"\b(curl|wget)\b.*\|\s*(?:[/\w]*/)?(?:ba)?sh(?:\s|$|-c)"#), "pipe remote content to shell"),
        (Pattern(#"\b(bash|sh|zsh|ksh)\s+<\s*<?\s*\(\s*(curl|wget)\b"#), "execute remote script via process substitution"),
        (Pattern(#"(?:\beval\b|\bsource\b|\.)\s*(?:\$\(\s*|`\s*)(?:curl|wget)\b"#), "execute remote content via command substitution"),
        (
            Pattern(#"\b(base64|base32|base16)\s+(?:-[dD]|--decode)\b.*\|\s*"# + shells),
            "pipe decoded content to shell (possible command obfuscation)"
        ),
        (Pattern(#"\bxxd\s+-r\b.*\|\s*"# + shells), "pipe xxd-decoded content to shell (possible command obfuscation)"),
        (Pattern(#"\becho\b[^|]*\|\s*\btr\b[^|]*\|\s*"# + shells), "pipe tr-transformed output to shell (possible command obfuscation)"),
        (
            Pattern(#"\bopenssl\b.*\b(?:base64|enc)\b[^|]*\s+-[dD]\b[^|]*\|\s*"# + shells),
            "pipe openssl-decoded content to shell (possible command obfuscation)"
        ),
        (Pattern(#"\btee\b.*["']?"# + sensitiveWriteTarget), "overwrite system file via tee"),
        (Pattern(#">>?\s*["']?"# + sensitiveWriteTarget), "overwrite system file via redirection"),
        (Pattern(#"\btee\b.*["']?"# + projectSensitiveWriteTarget + #"["']?"# + writeTargetBoundary), "overwrite project env/config via tee"),
        (
            Pattern(#">>?\s*["']?"# + projectSensitiveWriteTarget + #"["']?"# + writeTargetBoundary),
            "overwrite project env/config via redirection"
        ),
        (Pattern(#"\bxargs\s+.*\brm\b"#), "xargs with rm"),
        (Pattern(#"\bfind\b.*-exec(?:dir)?\s+(/\S*/)?rm\b"#), "find -exec/-execdir rm"),
        (Pattern(#"\bfind\b.*-delete\b"#), "find -delete"),
        (
            Pattern(#"\bhermes\s+(?:-{1,2}\S+(?:\s+\S+)?\s+)*gateway\s+(stop|restart)\b"#),
            "stop/restart hermes gateway (kills running agents)"
        ),
        (Pattern(#"\bhermes\s+update\b"#), "hermes update (restarts gateway, kills running agents)"),
        (
            Pattern(#"\bdocker\s+compose\s+(restart|stop|kill|down)\b"#),
            "docker compose restart/stop/kill/down (container lifecycle)"
        ),
        (Pattern(#"\bdocker\s+(restart|stop|kill)\b"#), "docker restart/stop/kill (container lifecycle)"),
        (
            Pattern(#"gateway\s+run\b.*(&\s*$|&\s*;|\bdisown\b|\bsetsid\b)"#),
            "start gateway outside systemd (use 'systemctl --user restart hermes-gateway')"
        ),
        (Pattern(#"\bnohup\b.*gateway\s+run\b"#), "start gateway outside systemd (use 'systemctl --user restart hermes-gateway')"),
        (Pattern(#"\b(pkill|killall)\b.*\b(hermes|gateway|cli\.py)\b"#), "kill hermes/gateway process (self-termination)"),
        (Pattern(#"\bkill\b.*\$\(\s*(pgrep|pidof)\b"#), "kill process via pgrep/pidof expansion (self-termination)"),
        (Pattern(#"\bkill\b.*`\s*(pgrep|pidof)\b"#), "kill process via backtick pgrep/pidof expansion (self-termination)"),
        (
            Pattern(#"\blaunchctl\s+(stop|kickstart|bootout|unload|kill|disable|remove)\b.*\b(hermes|ai\.hermes)\b"#),
            "stop/restart hermes launchd service (kills running agents)"
        ),
        (Pattern(#"\b(cp|mv|install)\b.*\s"# + systemConfigPath), "copy/move file into system config path"),
        (
            Pattern(#"\b(cp|mv|install)\b.*\s["']?"# + projectSensitiveWriteTarget + #"["']?"# + commandTail),
            "overwrite project env/config file"
        ),
        (
            Pattern(#"\b(cp|mv|install)\b.*\s["']?"# + sensitiveWriteTarget + #"[^\s"']*["']?"# + commandTail),
            "copy/move file into sensitive credential/SSH/shell-rc path"
        ),
        (Pattern(#"\bsed\s+-[^\s]*i.*(?:"# + userSensitiveWriteTarget + #")[^\s"']*"#), "in-place edit of sensitive credential/SSH/shell-rc path"),
        (
            Pattern(#"\bsed\s+--in-place\b.*(?:"# + userSensitiveWriteTarget + #")[^\s"']*"#),
            "in-place edit of sensitive credential/SSH/shell-rc path (long flag)"
        ),
        (
            Pattern(#"\b(?:perl|ruby)\b.*(?:^|\s)-[^\s]*i\b.*(?:"# + userSensitiveWriteTarget + #")[^\s"']*"#),
            "in-place edit of sensitive credential/SSH/shell-rc path (perl/ruby)"
        ),
        (Pattern(#"\bsed\s+-[^\s]*i.*\s"# + systemConfigPath), "in-place edit of system config"),
        (Pattern(#"\bsed\s+--in-place\b.*\s"# + systemConfigPath), "in-place edit of system config (long flag)"),
        (Pattern(#"\bsed\s+-[^\s]*i.*(?:"# + hermesConfigPath + "|" + hermesEnvPath + ")"), "in-place edit of Hermes config/env"),
        (
            Pattern(#"\bsed\s+--in-place\b.*(?:"# + hermesConfigPath + "|" + hermesEnvPath + ")"),
            "in-place edit of Hermes config/env (long flag)"
        ),
        (
            Pattern(#"\b(?:perl|ruby)\b.*(?:^|\s)-[^\s]*i\b.*(?:"# + hermesConfigPath + "|" + hermesEnvPath + ")"),
            "in-place edit of Hermes config/env (perl/ruby)"
        ),
        (Pattern(#"\b(bash|sh|zsh|ksh)\s+<<"#), "shell execution via heredoc"),
        (Pattern(#"\bgit\s+reset\s+--h(?:a(?:r(?:d)?)?)?\b"#), "git reset --hard (destroys uncommitted changes)"),
        (Pattern(#"\bgit\s+push\b.*--forc[a-z]*\b"#), "git force push (rewrites remote history)"),
        (Pattern(#"\bgit\s+push\b.*-f\b"#), "git force push short flag (rewrites remote history)"),
        (Pattern(#"\bgit\s+clean\s+-[^\s]*f"#), "git clean with force (deletes untracked files)"),
        (Pattern(#"\bgit\s+branch\s+-D\b"#), "git branch force delete"),
        (
            Pattern(#"\bgit\s+branch\b[^;|&\n]*?(?:-d\b|--delete\b)[^;|&\n]*?(?:-f\b|--force\b)"#),
            "git branch force delete (long flags)"
        ),
        (
            Pattern(#"\bgit\s+branch\b[^;|&\n]*?(?:-f\b|--force\b)[^;|&\n]*?(?:-d\b|--delete\b)"#),
            "git branch force delete (long flags, force-first)"
        ),
        (Pattern(#"\bchmod\s+\+x\b.*[;&|]+\s*\./"#), "chmod +x followed by immediate execution"),
        (Pattern(#"\bsudo\b[^;|&\n]*?\s+(?:-s\b|--st[a-z]*\b|-a\b|--a[a-z]*\b)"#), "sudo with privilege flag (stdin/askpass/shell/list)"),
        (Pattern(#"\bsudo\b[^;|&\n]*?\s+-[a-z]*[sa][a-z]*\b"#), "sudo with combined-flag privilege escalation"),
    ]

    // MARK: Normalisation

    /// ECMA-48 escapes (CSI, OSC, DCS/SOS/PM/APC, nF, Fp/Fe/Fs) and 8-bit C1 controls.
    static let ansi = Pattern(
        #"\x{1b}(?:\[[\x{30}-\x{3f}]*[\x{20}-\x{2f}]*[\x{40}-\x{7e}]|\][\s\S]*?(?:\x{07}|\x{1b}\\)|[PX^_][\s\S]*?(?:\x{1b}\\)|[\x{20}-\x{2f}]+[\x{30}-\x{7e}]|[\x{30}-\x{7e}])|\x{9b}[\x{30}-\x{3f}]*[\x{20}-\x{2f}]*[\x{40}-\x{7e}]|\x{9d}[\s\S]*?(?:\x{07}|\x{9c})|[\x{80}-\x{9f}]"#,
        ignoringCase: false
    )
    static let lineContinuation = Pattern(#"\\\r?\n"#, dotAll: false, ignoringCase: false)
    static let backslashEscape = Pattern(#"\\([^\n])"#, dotAll: false, ignoringCase: false)
    static let emptyQuotes = Pattern(#"''|"""#, dotAll: false, ignoringCase: false)
    static let ifs = Pattern(#"\$\{IFS\b[^}]*\}|\$IFS\b"#, dotAll: false, ignoringCase: false)
}
