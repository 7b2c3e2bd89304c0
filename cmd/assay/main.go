// Command assay tests data quality from the command line: it prints schemas, validates
// data against expectation suites, profiles data, suggests suites and detects
// distribution drift. It is built to gate ETL jobs and CI pipelines.
//
// Exit codes, for every subcommand:
//
//	0  success (every check passed)
//	1  checks failed (an expectation failed, drift detected)
//	2  usage, configuration or input error (the message on stderr names the problem)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
)

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1
	exitError  = 2
)

// command is one subcommand. run returns the exit code; errors it returns are printed
// on stderr and exit with code 2.
type command struct {
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error)
	summary string
}

// commands maps subcommand names to their implementations; each subcommand registers
// itself from an init function in its own file.
var commands = map[string]command{}

// errUsage marks usage errors (bad flags or arguments).
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitError
		}
		return exitOK
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(stdout, "assay", version)
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "assay: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitError
	}
	code, err := cmd.run(ctx, args[1:], stdout, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		fmt.Fprintf(stderr, "assay %s: %v\n", args[0], err)
		return exitError
	}
	return code
}

const version = "0.1.0"

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: assay <command> [flags] DATA...")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "DATA: files, directories or globs read as one dataset; - reads standard input")
	fmt.Fprintln(w, "exit codes: 0 success, 1 checks failed, 2 usage, configuration or input error")
	fmt.Fprintln(w, "run 'assay <command> -h' for a command's flags")
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("assay "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: assay %s %s\n\nflags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args allowing flags after positional arguments
// ("assay validate data.csv --suite s.yaml").
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	return pos, nil
}

// oneOf checks a flag value against its allowed values.
func oneOf(flagName, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("%w: --%s must be one of %s, got %q", errUsage, flagName, strings.Join(allowed, ", "), v)
}
