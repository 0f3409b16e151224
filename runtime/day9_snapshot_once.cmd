@echo off
REM The guide's snapshot script (see day9_snapshot_once.sh). Needs Java 17 and a built executor\target\day9.jar.
java -jar "%~dp0..\executor\target\day9.jar" snapshot once %*
