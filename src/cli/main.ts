/** Entry point of the `zse` command (see README, "The zse command"). */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { commands } from "./commands/index.js";
import { EXIT_ERROR } from "./output.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("zse")
    .description(
      "Zigbee Smart Energy security: install codes, CBKE, a CA, Keep-Alive/TCSO and a simulated SE network",
    )
    .version(pkg.version, "-V, --version")
    .showSuggestionAfterError()
    .configureOutput({
      outputError: (str, write) => write(str.split("\n")[0] ? `zse: ${str.replace(/^error: /, "")}` : str),
    })
    .exitOverride((err) => {
      if (
        err.code === "commander.helpDisplayed" ||
        err.code === "commander.version" ||
        err.code === "commander.help"
      ) {
        process.exit(0);
      }
      process.exit(EXIT_ERROR);
    });
  for (const register of commands) register(program);
  return program;
}

await buildProgram().parseAsync(process.argv);
