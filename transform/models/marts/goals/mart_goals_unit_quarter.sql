{{ unit_quarter_mart([
    ['people_with_path_or_goal', 'integer'], ['people_with_review_goal', 'integer'], ['goals_defined', 'integer'],
    ['goals_completed', 'integer'], ['l5_tied_to_performance', 'double'],
]) }}
