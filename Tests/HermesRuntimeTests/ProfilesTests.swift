import Foundation
import HermesConfig
import HermesRuntime
import Testing

/// `hermes profile create` and `use`, making and choosing what `HermesHome` then finds.
@Suite struct ProfilesTests {
    @Test("create makes Python's profile layout (a 0600 .env of comments, the default SOUL.md); use writes active_profile, default removes it")
    func createAndUse() throws {
        let root = NSTemporaryDirectory() + "hermes-profiles-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try "model: {default: m}\n".write(toFile: root + "/config.yaml", atomically: true, encoding: .utf8)
        let profiles = Profiles(root: root)
        let directory = try profiles.create("Coder", cloning: root, identity: "You are X.")
        #expect(directory == root + "/profiles/coder")
        for name in ["memories", "sessions", "skills", "skins", "logs", "plans", "workspace", "cron", "home"] {
            #expect(FileManager.default.fileExists(atPath: directory + "/" + name), "\(name)")
        }
        let mode = try FileManager.default.attributesOfItem(atPath: directory + "/.env")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try String(contentsOfFile: directory + "/SOUL.md", encoding: .utf8) == "You are X.")
        #expect(try String(contentsOfFile: directory + "/config.yaml", encoding: .utf8) == "model: {default: m}\n", "cloned")
        #expect(profiles.names() == ["default", "coder"])

        #expect(throws: ConfigError.self) { try profiles.create("coder", identity: "") }
        #expect(throws: ConfigError.self) { try profiles.create("test", identity: "") }
        #expect(throws: ConfigError.self) { try profiles.use("ghost") }

        try profiles.use("coder")
        #expect(profiles.active == "coder")
        #expect(try HermesHome.resolve(profile: nil, environment: ["HERMES_HOME": root]).path == directory)
        try profiles.use("default")
        #expect(profiles.active == "default" && !FileManager.default.fileExists(atPath: root + "/active_profile"))
    }
}
