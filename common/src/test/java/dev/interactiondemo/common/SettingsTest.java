package dev.interactiondemo.common;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTest {
    static final Option RATE = Option.of("NOTIFIER_RATE", "rate", "5", "messages per second");
    static final Option MODE = Option.of("NOTIFIER_CALL_MODE", "call-mode", "sync", "sync or async");
    static final Option TARGET = Option.of("GREETER_TARGET", "greeter-target", null, "host:port of the Greeter");
    static final Option DELAY = Option.of("NOTIFIER_PROCESSING_DELAY", "processing-delay", "0ms", "delay");
    static final List<Option> ALL = List.of(RATE, MODE, TARGET, DELAY);

    @Test
    void flagOverridesEnvironmentWhichOverridesDefault() {
        Settings s = Settings.parse(ALL, new String[] {"--rate=7.5", "--greeter-target", "g:1"},
                Map.of("NOTIFIER_RATE", "3", "NOTIFIER_CALL_MODE", "ASYNC"));
        assertEquals(7.5, s.decimal(RATE, 0.1, 100));
        assertEquals("async", s.choice(MODE, "sync", "async"));
        assertEquals("g:1", s.required(TARGET));
        assertEquals(Duration.ZERO, s.duration(DELAY, Duration.ZERO, Duration.ofMinutes(1)));
        s.validate();
    }

    @Test
    void everyBadValueIsNamedInOneError() {
        Settings s = Settings.parse(ALL, new String[] {"--rate=fast", "--bogus=1"},
                Map.of("NOTIFIER_CALL_MODE", "carrier-pigeon", "NOTIFIER_PROCESSING_DELAY", "soon"));
        s.decimal(RATE, 0.1, 100);
        s.choice(MODE, "sync", "async");
        s.required(TARGET);
        s.duration(DELAY, Duration.ZERO, Duration.ofMinutes(1));
        ConfigException e = assertThrows(ConfigException.class, s::validate);
        assertEquals(5, e.problems().size(), e.getMessage());
        String m = e.getMessage();
        assertTrue(m.contains("unknown flag --bogus"), m);
        assertTrue(m.contains("NOTIFIER_RATE (--rate): 'fast' is not a number"), m);
        assertTrue(m.contains("NOTIFIER_CALL_MODE (--call-mode): 'carrier-pigeon' is not one of sync, async"), m);
        assertTrue(m.contains("GREETER_TARGET (--greeter-target) is required"), m);
        assertTrue(m.contains("NOTIFIER_PROCESSING_DELAY (--processing-delay): 'soon' is not a duration"), m);
    }

    @Test
    void rangesAreEnforced() {
        Settings s = Settings.parse(ALL, new String[] {"--rate=0"}, Map.of("NOTIFIER_PROCESSING_DELAY", "2h"));
        s.decimal(RATE, 0.1, 100);
        s.duration(DELAY, Duration.ZERO, Duration.ofMinutes(1));
        ConfigException e = assertThrows(ConfigException.class, s::validate);
        assertTrue(e.getMessage().contains("NOTIFIER_RATE (--rate): 0 is out of range [0.1, 100]"), e.getMessage());
        assertTrue(e.getMessage().contains("2h is out of range [0s, 1m]"), e.getMessage());
    }

    @Test
    void positionalArgumentsAndHelpAreKept() {
        Settings s = Settings.parse(ALL, new String[] {"host", "--help"}, Map.of());
        assertEquals(List.of("host"), s.positional());
        assertTrue(s.helpRequested());
        assertTrue(Settings.usage("notifier host|worker", ALL).contains("--rate"));
    }

    @Test
    void aSwitchAloneMeansTrue() {
        Option web = Option.ofSwitch("DEMO_WEB", "web", "false", "serve the page");
        List<Option> options = List.of(web, RATE);
        for (String[] args : List.of(new String[] {"--web"}, new String[] {"--web", "--rate=2"},
                new String[] {"--web", "TRUE"}, new String[] {"--web=true"})) {
            Settings s = Settings.parse(options, args, Map.of());
            assertEquals("true", s.choice(web, "false", "true"), String.join(" ", args));
            s.validate();
        }
        Settings off = Settings.parse(options, new String[] {"--web", "false", "--rate", "2"}, Map.of());
        assertEquals("false", off.choice(web, "false", "true"));
        assertEquals(2, off.decimal(RATE, 0.1, 100));
        assertEquals("false", Settings.parse(options, new String[0], Map.of()).choice(web, "false", "true"));
        assertEquals(List.of("host"), Settings.parse(options, new String[] {"--web", "host"}, Map.of()).positional(),
                "a switch takes only true or false after it");
    }

    @Test
    void aListFlagAddsToItsListEachTime() {
        Option fault = Option.ofList("DEMO_FAULTS", "fault", null, "name=value, repeatable");
        List<Option> options = List.of(fault, RATE);
        Settings s = Settings.parse(options, new String[] {"--fault", "a=1", "--rate=2", "--fault=b=2,c=3"},
                Map.of("DEMO_FAULTS", "z=9"));
        assertEquals("a=1,b=2,c=3", s.string(fault), "the flags override the variable");
        assertEquals("z=9", Settings.parse(options, new String[0], Map.of("DEMO_FAULTS", "z=9")).string(fault));
        Settings last = Settings.parse(options, new String[] {"--rate=2", "--rate=3"}, Map.of());
        assertEquals(3, last.decimal(RATE, 0.1, 100), "any other flag: the last one counts");
    }
}
