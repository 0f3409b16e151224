@echo off
REM The guide's shadow smoke test (see day9_shadow_smoke.sh). Needs Java 17 and a built executor\target\day9.jar.
java -jar "%~dp0..\executor\target\day9.jar" shadow smoke %*
