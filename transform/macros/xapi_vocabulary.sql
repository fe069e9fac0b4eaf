{#- The few xAPI terms the models test for by name (everything else goes through the seeds). -#}

{#- ADL's activity type of one try at a quiz; the quiz is its parent (Moodle's logstore sends these). -#}
{% macro attempt_activity_type() -%}
    http://adlnet.gov/expapi/activities/attempt
{%- endmacro %}

{#- Verbs that open a new attempt or session on an activity: ADL attempted (quizzes, H5P, Open edX problems),
    initialized (cmi5 AUs, video players), launched (cmi5), and Activity Streams start (Moodle). -#}
{% macro attempt_start_verbs() -%}
    'http://adlnet.gov/expapi/verbs/attempted', 'http://adlnet.gov/expapi/verbs/initialized',
    'http://adlnet.gov/expapi/verbs/launched', 'http://activitystrea.ms/start', 'http://activitystrea.ms/schema/1.0/start'
{%- endmacro %}

{#- Verbs that conclude an attempt with its result.success: Moodle's completed quiz attempt, Open edX's evaluated
    problem, an H5P question set's completed. `passed` and `failed` conclude one by themselves. -#}
{% macro graded_conclusion_verbs() -%}
    'http://adlnet.gov/expapi/verbs/completed', 'https://w3id.org/xapi/acrossx/verbs/evaluated'
{%- endmacro %}
