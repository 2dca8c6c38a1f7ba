import ArgumentParser
import Foundation
import Testing
import TestSupport
import OfflineTestSupport
import ORLCommandLine
import OfflineRL

@Suite("orl train: the order of preset, --config and options; resume refusals", .serialized)
struct TrainPrecedenceTests {
    /// Recipe < `--config` < options, through the same parser the executable uses.
    @Test func optionsBeatTheFileWhichBeatsTheRecipe() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let file = dir.path("overrides.json")
        try Data(#"{"totalSteps": 7000, "realRatio": 0.5, "sac": {"batchSize": 128}, "plugIns": {"mopo": {"penaltyCoefficient": 0.75}}}"#.utf8)
            .write(to: URL(fileURLWithPath: file))
        let train = try ORL.Train.parse(["--algo", "mopo", "--dataset", "hopper-medium-v2", "--preset", "short", "--config", file,
                                         "--steps", "9000", "--penalty", "0.25", "--seed", "4", "--evaluation-interval", "3000"])
        let c = try train.makeConfiguration()
        #expect(c.totalSteps == 9000 && c.seed == 4)                       // options
        #expect(c.realRatio == 0.5 && c.sac.batchSize == 128)              // the file
        #expect(try c.plugInSettings("mopo", as: MOPOConfiguration.self)?.penaltyCoefficient == 0.25)   // the option beats the file
        #expect(c.rolloutHorizon == 5 && c.rolloutBatchSize == 10_000 && c.preset == "short")   // recipe and preset
        #expect(c.evaluationInterval == 3000 && c.checkpointInterval == 3000)   // rounded to a multiple

        // --penalty sets whichever plug-in has a penalty coefficient, and is refused where none has.
        let mobile = try ORL.Train.parse(["--algo", "morec-mobile", "--dataset", "hopper-medium-v2", "--penalty", "2"]).makeConfiguration()
        #expect(try mobile.plugInSettings("mobile", as: MOBILEConfiguration.self)?.penaltyCoefficient == 2)
        #expect(throws: ValidationError.self) {
            _ = try ORL.Train.parse(["--algo", "ravl", "--dataset", "hopper-medium-v2", "--penalty", "2"]).makeConfiguration()
        }
        // The critic flags write one place each: the SAC setting and the module's settings.
        let lipschitz = try ORL.Train.parse(["--algo", "mobile", "--dataset", "hopper-medium-v2", "--critic-spectral-norm-scale", "2",
                                             "--critic-adversarial-noise", "0.1"]).makeConfiguration()
        #expect(lipschitz.sac.criticSpectralNorm?.scale == 2 && lipschitz.sac.criticSpectralNorm?.layers == nil)
        #expect(try lipschitz.plugInSettings("lipschitz", as: LipschitzSettings.self)?.adversarialNoise?.epsilon == 0.1)
    }

    /// A `--config` key nothing reads is refused with its name.
    @Test func unknownConfigKeysAreNamed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let file = dir.path("typo.json")
        try Data(#"{"mobile": {"rolloutHorizon": 1}}"#.utf8).write(to: URL(fileURLWithPath: file))
        let train = try ORL.Train.parse(["--algo", "mopo", "--dataset", "hopper-medium-v2", "--config", file])
        #expect(throws: OfflineTrainingError.invalidConfiguration(
            "unknown key 'mobile'; known keys here: algorithm, checkpointInterval, cosineActorSchedule, cosineScheduleEpochs, dataset, dynamics, dynamicsSeed, dynamicsSource, environment, evaluationEpisodes, evaluationInterval, maxEpisodeSteps, modelRetainEpochs, plugIns, preset, realRatio, rolloutBatchSize, rolloutHorizon, rolloutInterval, sac, seed, stepsPerEpoch, totalSteps")) {
            _ = try train.makeConfiguration()
        }
    }

    /// `orl train` writes a run; `--resume` with another setting is refused naming the field, and
    /// with the same settings it continues.
    @Test func aChangedResumeIsRefusedNamingTheField() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let data = dir.path("pointmass.hdf5")
        try OfflineFixtures.writePointMassDataset(to: data, episodes: 5)
        let out = dir.path("run")
        let tiny = ["--algo", "mopo", "--dataset", data, "--preset", "short", "--out", out, "--evaluation-interval", "50",
                    "--evaluation-episodes", "1", "--rollout-batch-size", "50", "--config", try Self.tinyNetworks(in: dir)]
        let first = try ORL.Train.parse(tiny + ["--steps", "50"])
        try first.run()
        #expect(FileManager.default.fileExists(atPath: out + "/checkpoint.h5"))
        let changed = try ORL.Train.parse(tiny + ["--steps", "100", "--penalty", "3", "--resume"])
        #expect(throws: OfflineTrainingError.self) { try changed.run() }
        do { try changed.run() } catch {
            #expect("\(error)".contains("changed: plugIns.mopo.penaltyCoefficient"))
        }
        let extended = try ORL.Train.parse(tiny + ["--steps", "100", "--resume"])
        try extended.run()
        let rows = try TrainingLog.readRows(directory: URL(fileURLWithPath: out))
        #expect(rows.map { $0["step"] } == [50, 100])
        // Resuming a finished run does nothing and says so with its own exit status.
        do {
            try extended.run()
            Issue.record("a finished run was resumed without a word")
        } catch {
            #expect(ORL.exitCode(for: error).rawValue == ORL.Train.nothingToDo)
        }
    }

    /// A `--config` file with tiny networks, so the run takes a second.
    static func tinyNetworks(in dir: TemporaryDirectory) throws -> String {
        let path = dir.path("tiny.json")
        try Data(#"""
            {"maxEpisodeSteps": 20, "stepsPerEpoch": 50, "rolloutInterval": 50,
             "sac": {"hiddenSizes": [16, 16], "batchSize": 32},
             "dynamics": {"hiddenSizes": [16, 16], "members": 2, "elites": 1, "weightDecays": [2.5e-5, 5e-5, 1e-4], "maxEpochs": 2}}
            """#.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}

@Suite("The committed run lists and configuration files")
struct RunListCompatibilityTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every `orl train` line of every `Experiments/*/runs.txt` parses and builds its configuration
    /// (its `--config` file included), so a settings change cannot silently break a table's list.
    @Test func everyTrainLineBuildsItsConfiguration() throws {
        let experiments = Self.root.appendingPathComponent("Experiments")
        let folders = try FileManager.default.contentsOfDirectory(atPath: experiments.path).sorted()
        var checked = 0
        for folder in folders {
            let list = experiments.appendingPathComponent(folder).appendingPathComponent("runs.txt").path
            guard FileManager.default.fileExists(atPath: list) else { continue }
            let text = try String(contentsOfFile: list, encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("orl ") {
                var words = line.split(separator: " ").dropFirst().map(String.init)
                words = words.map { $0.hasPrefix("Experiments/") && $0.hasSuffix(".json") ? Self.root.appendingPathComponent($0).path : $0 }
                let parsed = try ORL.parseAsRoot(words)
                if let train = parsed as? ORL.Train {
                    _ = try train.makeConfiguration()
                    checked += 1
                }
            }
        }
        #expect(checked >= 40)
    }

    /// The Lipschitz demo's override files build configurations.
    @Test func lipschitzDemoConfigsApply() throws {
        for name in ["demo-on", "demo-off"] {
            let path = Self.root.appendingPathComponent("Experiments/lipschitz/configs/\(name).json").path
            let c = try ORL.Train.parse(["--algo", "lipschitz-mopo", "--dataset", "halfcheetah-medium-orl", "--config", path]).makeConfiguration()
            #expect(c.dynamics.maxEpochs == 5)
            #expect((c.sac.criticSpectralNorm == nil) == (name == "demo-off"))
        }
    }
}

@Suite("Every registered algorithm's configuration round-trips and compares field by field")
struct EveryAlgorithmConfigurationTests {
    /// For every `--algo` recipe: the complete tree reads back to the same configuration, and a
    /// change to a loop field, a nested SAC field or any numeric field of any plug-in's settings is
    /// named by the resume comparison with its dotted path.
    @Test(arguments: AlgorithmRegistry.standard.recipes.map(\.name))
    func roundTripAndComparison(algorithm: String) throws {
        let registry = AlgorithmRegistry.standard
        let c = try registry.configuration(algorithm: algorithm, dataset: "hopper-medium-v2", preset: .short)
        #expect(try OfflineTrainingConfiguration.reading(c.settingsTree) == c)
        var changed = c
        changed.sac.batchSize += 1
        changed.rolloutInterval += 1
        var expected = ["rolloutInterval", "sac.batchSize"]
        for (key, settings) in c.plugIns {
            guard case var .object(fields) = settings,
                  let field = fields.keys.sorted().first(where: { if case .number = fields[$0]! { return true } else { return false } }),
                  case let .number(value)? = fields[field] else { continue }
            fields[field] = .number(value + 1)
            changed.plugIns[key] = .object(fields)
            expected.append("plugIns.\(key).\(field)")
        }
        #expect(OfflineTrainer.changedSettings(saved: c.settingsTree, current: changed) == expected.sorted())
        #expect(try registry.completed(changed).plugIns.keys.sorted() == c.plugIns.keys.sorted())
    }
}
