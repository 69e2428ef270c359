#!/usr/bin/env node
// The `kitgen` command: runs the compiled command line.
import "../dist/cli.js";
