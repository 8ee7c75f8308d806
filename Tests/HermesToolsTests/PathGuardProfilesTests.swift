import Foundation
import Testing

@testable import HermesTools

/// The cross-profile soft guard's idea of the Hermes root and the active profile, as Python's
/// `get_default_hermes_root` and `_resolve_active_profile_name` have them.
@Suite("cross-profile guard")
struct PathGuardProfilesTests {
    @Test("the root is ~/.hermes for a profile inside it, the grandparent of any other profiles/NAME, else the home itself")
    func roots() {
        let inside = PathGuard(home: "/home/ada", hermesHome: "/home/ada/.hermes/profiles/coder")
        #expect(inside.hermesRoot == "/home/ada/.hermes" && inside.activeProfile == "coder")
        let docker = PathGuard(home: "/root", hermesHome: "/opt/data/profiles/ops")
        #expect(docker.hermesRoot == "/opt/data" && docker.activeProfile == "ops")
        let custom = PathGuard(home: "/root", hermesHome: "/opt/data")
        #expect(custom.hermesRoot == "/opt/data" && custom.activeProfile == "default")
        let plain = PathGuard.forEnvironment(["HOME": "/home/ada"])
        #expect(plain.hermesRoot == "/home/ada/.hermes" && plain.activeProfile == "default")
    }

    @Test("only another profile's skills, plugins, cron and memories are refused")
    func areas() {
        let guardian = PathGuard(home: "/home/ada", hermesHome: "/home/ada/.hermes/profiles/coder")
        func refused(_ path: String) -> Bool { guardian.crossProfileRefusal(writing: path) != nil }
        #expect(refused("/home/ada/.hermes/skills/x/SKILL.md"))
        #expect(refused("/home/ada/.hermes/plugins/p.py"))
        #expect(refused("/home/ada/.hermes/profiles/other/cron/jobs.json"))
        #expect(!refused("/home/ada/.hermes/profiles/coder/memories/MEMORY.md"), "the active profile's own")
        #expect(!refused("/home/ada/.hermes/profiles/other/SOUL.md"), "not a scoped area")
        #expect(!refused("/home/ada/.hermes/config-notes.md"))
        #expect(!refused("/home/ada/project/skills/x.md"), "outside the Hermes root")
        let onDefault = PathGuard(home: "/home/ada", hermesHome: "/home/ada/.hermes")
        #expect(onDefault.crossProfileRefusal(writing: "/home/ada/.hermes/skills/x.md") == nil)
        #expect(onDefault.crossProfileRefusal(writing: "/home/ada/.hermes/profiles/coder/skills/x.md") != nil)
    }

    @Test("a sandbox mirror of a Hermes home is refused wherever it is, naming the mirror and the file meant")
    func sandboxMirror() {
        let guardian = PathGuard(home: "/home/ada", hermesHome: "/home/ada/.hermes")
        let refusal = guardian.crossProfileRefusal(writing: "/srv/x/sandboxes/docker/t1/home/.hermes/SOUL.md")
        #expect(
            refusal?.hasPrefix(
                "Sandbox-mirror write blocked by soft guard: /srv/x/sandboxes/docker/t1/home/.hermes/SOUL.md sits under '/srv/x/sandboxes/docker/t1/home/.hermes'"
            ) == true)
        #expect(refusal?.contains("the authoritative file is likely 'SOUL.md' under the real HERMES_HOME") == true)
        #expect(guardian.crossProfileRefusal(writing: "/srv/x/sandboxes/docker/t1/home/.hermes") == nil, "the mirror itself, no file in it")
    }
}
